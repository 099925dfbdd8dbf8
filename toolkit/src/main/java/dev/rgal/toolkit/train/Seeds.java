package dev.rgal.toolkit.train;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * Derives independent, reproducible seeds from the run seed, so each epoch (and each purpose in
 * it) draws the same numbers whether the run was resumed or not.
 */
@API(status = STABLE, since = "0.1")
public final class Seeds {
  private Seeds() {}

  /** SplitMix64 of the run seed, a purpose and an index. */
  public static long derive(long seed, String purpose, long index) {
    long z = seed * 0x9E3779B97F4A7C15L + purpose.hashCode() * 0xBF58476D1CE4E5B9L + index * 0x94D049BB133111EBL;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * A Fisher–Yates permutation of 0..n−1 drawn from {@code rng} (the epoch order of a training set;
   * the JDK shuffles only boxed lists).
   */
  public static int[] permutation(int n, java.util.Random rng) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
