package dev.rgal.toolkit.zoo;

import ai.djl.util.PairList;
import org.jspecify.annotations.Nullable;

/** Accumulates multiply-accumulates of a forward pass, passed through the forward params. */
final class MacCounter {
  static final String KEY = "rgal.macs";
  private long total;

  static void count(@Nullable PairList<String, Object> params, long macs) {
    if (params != null && params.get(KEY) instanceof MacCounter c) {
      c.total += macs;
    }
  }

  long total() {
    return total;
  }
}
