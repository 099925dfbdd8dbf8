package dev.rgal.incremental;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/**
 * The pre-allocated head used as a slice (spec §1.5, §7.1): the model has one logit per class of
 * the dataset; after task t only logits [0, K_s) exist for losses and predictions.
 */
@API(status = EXPERIMENTAL, since = "0.2")
public final class Heads {
  private Heads() {}

  /** Logits [from, to) of every sample. */
  public static NDArray slice(NDArray logits, int from, int to) {
    if (from < 0 || to <= from || to > logits.getShape().get(1)) {
      throw new IllegalArgumentException("cannot slice logits [" + from + ", " + to + ") of " + logits.getShape());
    }
    return logits.get(new NDIndex(":, {}:{}", from, to));
  }

  /** The seen-class logits [0, K_s). */
  public static NDArray seen(NDArray logits, int seenClasses) {
    return slice(logits, 0, seenClasses);
  }
}
