package dev.rgal.kernel.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The machine's float32 matrix-multiply rate through the same engine the networks use: the
 * ceiling that a training step's GFLOP/s is compared against.
 */
public final class MatmulRate {
  private MatmulRate() {}

  /**
   * @param n square matrix size (1024 or more keeps it compute-bound)
   * @return GFLOP/s of {@code 2·n³} flops per product, median of {@code repeats}
   */
  public static double gflops(int n, int repeats) {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = m.randomNormal(new Shape(n, n));
      NDArray b = m.randomNormal(new Shape(n, n));
      double ms = Timing.medianMillis(3, repeats, () -> {
        try (NDArray c = a.matMul(b)) {
          c.getFloat(0, 0); // force completion
        }
      });
      return 2.0 * n * n * n / (ms / 1000.0) / 1e9;
    }
  }
}
