package dev.rgal.quantization;

import ai.djl.ndarray.types.Shape;

/**
 * A weight in integer form (spec §1.1 signed convention): codes q ∈ [−2^(k−1), 2^(k−1) − 1] in
 * row-major order, per-output-channel scale s (levels per unit) and integer zero point z; the
 * value is (q + z) / s in float32. For unsigned integer kernels (§6.4): u = q + 2^(k−1) ∈ [0,
 * 2^k − 1], step Δ = 1/s, unsigned zero point 2^(k−1) − z.
 */
public record QuantizedTensor(String layer, Shape shape, int bits, byte[] codes, float[] scales, int[] zeroPoints) {
  /** The dequantized values, (q + z) / s per element in float32. */
  public float[] dequantize() {
    float[] out = new float[codes.length];
    int perChannel = codes.length / scales.length;
    for (int i = 0; i < codes.length; i++) {
      int c = i / perChannel;
      out[i] = (float) (codes[i] + zeroPoints[c]) / scales[c];
    }
    return out;
  }
}
