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
    Normalization norm = Normalization.of(spec);
    long correct = 0;
    int n = data.size();
    for (int start = 0; start < n; start += BATCH) {
      int end = Math.min(n, start + BATCH);
      int[] idx = new int[end - start];
      for (int i = 0; i < idx.length; i++) {
        idx[i] = start + i;
      }
      try (NDManager m = parent.newSubManager()) {
        NDList batch = data.batch(m, idx);
        NDArray x = norm.apply(batch.get(0));
        NDArray pred = net.forward(x, false).logits().argMax(1);
        correct += pred.eq(batch.get(1).toType(pred.getDataType(), false)).sum().getLong();
      }
    }
    return (double) correct / n;
  }

  /** Fraction of {@code data}'s images on which {@code a} and {@code b} predict the same class. */
  public static double agreement(FeatureNet a, FeatureNet b, ImageDataset data, DataSpec spec, NDManager parent) {
    Normalization norm = Normalization.of(spec);
    long same = 0;
    int n = data.size();
    for (int start = 0; start < n; start += BATCH) {
      int end = Math.min(n, start + BATCH);
      int[] idx = new int[end - start];
      for (int i = 0; i < idx.length; i++) {
        idx[i] = start + i;
      }
      try (NDManager m = parent.newSubManager()) {
        NDArray x = norm.apply(data.batch(m, idx).get(0));
        NDArray pa = a.forward(x, false).logits().argMax(1);
        NDArray pb = b.forward(x, false).logits().argMax(1);
        same += pa.eq(pb).sum().getLong();
      }
    }
    return (double) same / n;
  }
}
