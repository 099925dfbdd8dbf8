package dev.rgal.deepinversion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.rgal.toolkit.graph.NoGrad;
import java.util.Random;

/**
 * DeepInversion's pixel operations: the differentiable {@code jitter_and_flip} augmentation and the
 * in-place clamp to the valid pixel range. All on [N, C, H, W] batches.
 */
final class PixelOps {
  private PixelOps() {}

  /**
   * Circular shift like {@code torch.roll(x, shift, axis)}: {@code out[i] = x[(i − shift) mod n]}.
   * Built from two slices and a concat, so the gradient flows back to {@code x}.
   */
  static NDArray roll(NDArray x, int shift, int axis) {
    int n = (int) x.getShape().get(axis);
    int k = Math.floorMod(shift, n);
    if (k == 0) {
      return x;
    }
    NDArray tail = x.get(NDIndex.sliceAxis(axis, n - k, n));
    NDArray head = x.get(NDIndex.sliceAxis(axis, 0, n - k));
    return NDArrays.concat(new NDList(tail, head), axis);
  }

  /**
   * The zju benchmark's {@code jitter_and_flip}: one random offset in [−jitter, jitter] per spatial
   * axis for the whole batch (rows first, then columns), a circular roll by it, then with
   * probability 0.5 a horizontal flip of the whole batch (when {@code flip}).
   */
  static NDArray jitterAndFlip(NDArray x, int jitter, boolean flip, Random random) {
    int dy = jitter == 0 ? 0 : random.nextInt(2 * jitter + 1) - jitter;
    int dx = jitter == 0 ? 0 : random.nextInt(2 * jitter + 1) - jitter;
    NDArray out = roll(roll(x, dy, 2), dx, 3);
    if (flip && random.nextBoolean()) {
      out = out.flip(3);
    }
    return out;
  }

  /**
   * The per-channel bounds {@code [(0 − m)/s, (1 − m)/s]} of normalised pixels, as two
   * [1, C, 1, 1] arrays in {@code manager}.
   */
  static NDArray[] validRange(java.util.List<Double> mean, java.util.List<Double> std, NDManager manager) {
    int c = mean.size();
    float[] lo = new float[c];
    float[] hi = new float[c];
    for (int i = 0; i < c; i++) {
      lo[i] = (float) (-mean.get(i) / std.get(i));
      hi[i] = (float) ((1 - mean.get(i)) / std.get(i));
    }
    Shape s = new Shape(1, c, 1, 1);
    return new NDArray[] {manager.create(lo, s), manager.create(hi, s)};
  }

  /**
   * Clamps {@code x} to {@code [lo, hi]} (broadcast per channel) in place, without recording it:
   * {@code x} stays the same leaf array, so the optimiser holding it keeps working.
   */
  static void clampInPlace(NDArray x, NDArray lo, NDArray hi) {
    NoGrad.run(() -> {
      try (NDManager tmp = x.getManager().newSubManager()) {
        NDArray copy = x.duplicate();
        copy.attach(tmp);
        // an exact assignment (not x += clamped − x), so the bounds hold bit for bit
        x.set(new NDIndex("..."), copy.maximum(lo).minimum(hi));
      }
    });
  }
}
