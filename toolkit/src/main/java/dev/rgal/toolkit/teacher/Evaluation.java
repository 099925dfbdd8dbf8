package dev.rgal.toolkit.teacher;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.rgal.api.DataSpec;
import dev.rgal.api.model.FeatureNet;
import dev.rgal.toolkit.data.ImageDataset;
import dev.rgal.toolkit.data.Normalization;

/** Top-1 accuracy of a network on real labelled images, in eval mode, batch by batch. */
@API(status = STABLE, since = "0.1")
public final class Evaluation {
  private static final int BATCH = 500;

  private Evaluation() {}

  public static double accuracy(FeatureNet net, ImageDataset data, DataSpec spec, NDManager parent) {
    return fraction(data, spec, parent, (x, labels) -> {
      NDArray pred = net.forward(x, false).logits().argMax(1);
      return pred.eq(labels.toType(pred.getDataType(), false)).sum().getLong();
    });
  }

  /** Fraction of {@code data}'s images on which {@code a} and {@code b} predict the same class. */
  public static double agreement(FeatureNet a, FeatureNet b, ImageDataset data, DataSpec spec, NDManager parent) {
    return fraction(data, spec, parent,
        (x, labels) -> a.forward(x, false).logits().argMax(1).eq(b.forward(x, false).logits().argMax(1)).sum().getLong());
  }

  /** Counts hits in one batch of normalised images and their labels (arrays of a per-batch manager). */
  @FunctionalInterface
  public interface BatchCount {
    long hits(NDArray images, NDArray labels);
  }

  /**
   * Sums {@code count} over {@code data} in batches of normalised images, each batch in a
   * sub-manager of {@code parent} closed right after it (memory stays flat).
   */
  public static long count(ImageDataset data, DataSpec spec, NDManager parent, BatchCount count) {
    Normalization norm = Normalization.of(spec);
    long hits = 0;
    int n = data.size();
    for (int start = 0; start < n; start += BATCH) {
      int end = Math.min(n, start + BATCH);
      int[] idx = new int[end - start];
      for (int i = 0; i < idx.length; i++) {
        idx[i] = start + i;
      }
      try (NDManager m = parent.newSubManager()) {
        NDList batch = data.batch(m, idx);
        hits += count.hits(norm.apply(batch.get(0)), batch.get(1));
      }
    }
    return hits;
  }

  private static double fraction(ImageDataset data, DataSpec spec, NDManager parent, BatchCount count) {
    return (double) count(data, spec, parent, count) / data.size();
  }
}
