package dev.rgal.kernel.bench;

import java.util.Arrays;

/** Median wall time of repeated runs after warm-up. */
public final class Timing {
  private Timing() {}

  /**
   * Runs {@code body} {@code warmup} times untimed, then {@code repeats} times timed.
   *
   * @return the median in milliseconds
   */
  public static double medianMillis(int warmup, int repeats, Runnable body) {
    for (int i = 0; i < warmup; i++) {
      body.run();
    }
    double[] t = new double[repeats];
    for (int i = 0; i < repeats; i++) {
      long start = System.nanoTime();
      body.run();
      t[i] = (System.nanoTime() - start) / 1e6;
    }
    Arrays.sort(t);
    return repeats % 2 == 1 ? t[repeats / 2] : (t[repeats / 2 - 1] + t[repeats / 2]) / 2;
  }
}
