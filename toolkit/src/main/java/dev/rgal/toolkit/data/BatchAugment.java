package dev.rgal.toolkit.data;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/**
 * The standard train augmentation on a whole batch: random crop of the original size from the
 * image zero-padded by {@code p} pixels, and a horizontal flip with probability 0.5, each drawn
 * per sample from the given random source. Crop and flip are one gather with a precomputed index,
 * so it is cheap and differentiable (synthesis-time augmentation back-propagates through it).
 */
@API(status = STABLE, since = "0.1")
public final class BatchAugment {
  private BatchAugment() {}

  /**
   * @param x [N, C, H, W] images in [0, 1] (zero padding happens in that space)
   * @param padding zero padding of the crop (0 = no crop)
   * @param flip whether to flip half of the samples horizontally
   */
  public static NDArray cropAndFlip(NDArray x, int padding, boolean flip, Random random) {
    if (padding == 0 && !flip) {
      return x;
    }
    Shape s = x.getShape();
    int n = (int) s.get(0);
    int c = (int) s.get(1);
    int h = (int) s.get(2);
    int w = (int) s.get(3);
    NDArray padded = padding == 0 ? x : pad(x, padding);
    int hp = h + 2 * padding;
    int wp = w + 2 * padding;
    long[] oy = new long[n];
    long[] ox = new long[n];
    long[] f = new long[n];
    for (int i = 0; i < n; i++) {
      oy[i] = padding == 0 ? 0 : random.nextInt(2 * padding + 1);
      ox[i] = padding == 0 ? 0 : random.nextInt(2 * padding + 1);
      f[i] = flip && random.nextBoolean() ? 1 : 0;
    }
    NDManager m = x.getManager();
    NDArray ni = m.arange(0, n, 1, DataType.INT64).reshape(n, 1, 1, 1);
    NDArray ci = m.arange(0, c, 1, DataType.INT64).reshape(1, c, 1, 1);
    NDArray yi = m.arange(0, h, 1, DataType.INT64).reshape(1, 1, h, 1);
    NDArray xi = m.arange(0, w, 1, DataType.INT64).reshape(1, 1, 1, w);
    NDArray oyA = m.create(oy).reshape(n, 1, 1, 1);
    NDArray oxA = m.create(ox).reshape(n, 1, 1, 1);
    NDArray fA = m.create(f).reshape(n, 1, 1, 1);
    // column j of the output reads padded column ox + j, or ox + (w − 1 − j) when flipped
    NDArray cols = oxA.add(xi.add(fA.mul(xi.mul(-2).add(w - 1))));
    NDArray index = ni.mul(c).add(ci).mul(hp).add(oyA.add(yi)).mul(wp).add(cols);
    return padded.reshape(-1).get(index.reshape(-1)).reshape(n, c, h, w);
  }

  /** Zero padding of {@code p} pixels on every side (differentiable). */
  public static NDArray pad(NDArray x, int p) {
    Shape s = x.getShape();
    NDManager m = x.getManager();
    long n = s.get(0);
    long c = s.get(1);
    long h = s.get(2);
    long w = s.get(3);
    NDArray rows = m.zeros(new Shape(n, c, p, w), x.getDataType());
    NDArray tall = NDArrays.concat(new ai.djl.ndarray.NDList(rows, x, rows), 2);
    NDArray cols = m.zeros(new Shape(n, c, h + 2L * p, p), x.getDataType());
    return NDArrays.concat(new ai.djl.ndarray.NDList(cols, tall, cols), 3);
  }
}
