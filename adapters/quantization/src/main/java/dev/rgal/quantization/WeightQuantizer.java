package dev.rgal.quantization;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Per-output-channel weight quantization (spec §1.2): the weight reshaped to (C_out, −1), plain
 * min/max per row, recomputed on every forward from the current full-precision ("shadow")
 * weight, detached, and the fake quantizer of §1.1 broadcast as (C, 1, 1, 1) or (C, 1). The bias
 * is never touched (it stays full precision).
 */
public final class WeightQuantizer {
  private final String layer;
  private final int bits;

  WeightQuantizer(String layer, int bits) {
    this.layer = layer;
    this.bits = bits;
  }

  public String layer() {
    return layer;
  }

  public int bits() {
    return bits;
  }

  /** The grid of a (detached) weight: per-row min/max, shaped to broadcast against it. */
  static FakeQuantizer.Grid grid(NDArray detached, int bits) {
    Shape shape = detached.getShape();
    long channels = shape.get(0);
    NDArray rows = detached.reshape(channels, -1);
    long[] broadcast = new long[shape.dimension()];
    java.util.Arrays.fill(broadcast, 1);
    broadcast[0] = channels;
    Shape b = new Shape(broadcast);
    return FakeQuantizer.grid(rows.min(new int[] {1}).reshape(b), rows.max(new int[] {1}).reshape(b), bits);
  }

  /**
   * The fake-quantized weight with identity STE (gradient to the shadow weight), created in
   * {@code scope} (the forward's manager, never the weight's: that would live as long as the net).
   */
  NDArray apply(NDArray weight, NDManager scope) {
    NDArray detached = weight.stopGradient();
    detached.attach(scope);
    NDArray q = FakeQuantizer.fakeQuantize(detached, grid(detached, bits));
    return FakeQuantizer.straightThrough(weight, q);
  }

  /** The integer form of a weight: codes, per-channel scales and zero points (spec §6.18). */
  QuantizedTensor export(NDArray weight) {
    try (NDManager m = weight.getManager().newSubManager()) {
      NDArray detached = weight.stopGradient();
      detached.attach(m);
      FakeQuantizer.Grid g = grid(detached, bits);
      float[] codes = FakeQuantizer.codes(detached, g).toFloatArray();
      byte[] q = new byte[codes.length];
      for (int i = 0; i < codes.length; i++) {
        q[i] = (byte) codes[i]; // codes are integers in [-128, 127] for k <= 8
      }
      float[] z = g.zeroPoint().toFloatArray();
      int[] zero = new int[z.length];
      for (int i = 0; i < z.length; i++) {
        if (Math.abs(z[i]) >= 0x1p31f) {
          throw new IllegalStateException("zero point " + z[i] + " of " + layer + " channel " + i + " exceeds int32");
        }
        zero[i] = (int) z[i];
      }
      return new QuantizedTensor(layer, weight.getShape(), bits, q, g.scale().toFloatArray(), zero);
    }
  }
}
