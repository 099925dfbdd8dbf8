package dev.rgal.rgal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/**
 * The source of the one negative drawn per anchor pair from its probability row.
 *
 * <p>Injectable so that tests (and replays of the original's recorded draws) can fix the indices,
 * while production code draws categorical samples.
 */
@FunctionalInterface
public interface NegativeDraws {

  /**
   * Draws one column index per row.
   *
   * @param probRows [P, N] non-negative rows, each summing to 1 (P may be 0); never modified
   * @return int64 [P] indices, created in {@code probRows}' manager
   */
  NDArray draw(NDArray probRows);

  /**
   * Categorical draws for all rows at once as tensor ops (uniforms from a seeded
   * {@link Random}, cumulative sum, compare). A chosen index always has nonzero probability.
   * The returned source is stateful (one random stream) and not thread-safe.
   */
  static NegativeDraws categorical(long seed) {
    return new CategoricalDraws(new Random(seed));
  }

  /** Categorical draws from the given random stream (see {@link #categorical(long)}). */
  static NegativeDraws categorical(Random random) {
    return new CategoricalDraws(random);
  }

  /**
   * Returns the given indices, e.g. the {@code sampled_idx} recorded from the original code.
   *
   * @throws IllegalStateException from {@link #draw} if the number of rows differs
   */
  static NegativeDraws recorded(long[] indices) {
    long[] copy = indices.clone();
    return probRows -> {
      long rows = probRows.getShape().get(0);
      if (rows != copy.length) {
        throw new IllegalStateException(
            "recorded draws hold " + copy.length + " indices but " + rows + " rows were sampled");
      }
      return probRows.getManager().create(copy, new Shape(copy.length));
    };
  }
}

/** Inverse-CDF sampling of every row at once. */
final class CategoricalDraws implements NegativeDraws {
  private static final double SHRINK = 1.0 - 0x1p-20;

  private final Random random;

  CategoricalDraws(Random random) {
    this.random = random;
  }

  @Override
  public NDArray draw(NDArray probRows) {
    Shape shape = probRows.getShape();
    if (shape.dimension() != 2) {
      throw new IllegalArgumentException("probRows must be [P, N], got " + shape);
    }
    int rows = Math.toIntExact(shape.get(0));
    NDManager manager = probRows.getManager();
    if (rows == 0) {
      return manager.create(new long[0], new Shape(0));
    }
    double[] u = new double[rows];
    for (int i = 0; i < rows; i++) {
      // Shrink [0, 1) slightly so that u·total stays strictly below total after rounding, in
      // float32 as in float64 (a bias of 1e-6, irrelevant for sampling).
      u[i] = random.nextDouble() * SHRINK;
    }
    try (NDManager tmp = manager.newSubManager()) {
      NDArray p = probRows.stopGradient();
      p.attach(tmp);
      NDArray cum = p.cumSum(1);
      // Scale by the row's own cumulative total so rows need not sum to exactly 1.
      NDArray total = cum.get(":, -1").reshape(rows, 1);
      NDArray target = tmp.create(u, new Shape(rows, 1)).toType(p.getDataType(), false).mul(total);
      // Index = number of cumulative sums <= target. cum is non-decreasing and target < total,
      // so the first entry past target exists and has p > 0 (zero entries repeat the previous
      // cumulative sum and are always counted, i.e. skipped).
      NDArray idx = cum.lte(target).toType(DataType.INT64, false).sum(new int[] {1});
      idx.attach(manager);
      return idx;
    }
  }
}
