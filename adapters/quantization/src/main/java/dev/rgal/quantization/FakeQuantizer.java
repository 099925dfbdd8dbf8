package dev.rgal.quantization;

import ai.djl.ndarray.NDArray;
import dev.rgal.toolkit.graph.GraphScalars;

/**
 * The fake quantizer of ZeroQ and the GDFQ family (spec §1.1), on float32 arrays. For k bits and a
 * range [a, b] (scalars, or per-channel arrays broadcastable against x):
 *
 * <ul>
 *   <li>n = 2^k − 1, s = n / max(b − a, 1e-8) (levels per unit, the inverse of the step Δ);
 *   <li>z = round(s·a) + 2^(k−1) (an integer zero point);
 *   <li>q = clamp(round(s·x − z), −2^(k−1), 2^(k−1) − 1);
 *   <li>x̂ = (q + z) / s.
 * </ul>
 *
 * <p>Rounding is half to even ({@code torch.round}). Each operation is one float32 operation, in
 * this order, so a direct float32 computation reproduces the result bit for bit. Nothing here
 * records gradients: callers pass detached arrays and use {@link #straightThrough}.
 */
public final class FakeQuantizer {
  private FakeQuantizer() {}

  /** Scale s and zero point z of a grid (same shape as the range arrays). */
  public record Grid(NDArray scale, NDArray zeroPoint, int bits) {}

  /** The grid of {@code bits} over [a, b]. */
  public static Grid grid(NDArray a, NDArray b, int bits) {
    double levels = (1L << bits) - 1;
    NDArray width = GraphScalars.max(b.sub(a), 1e-8);
    NDArray s = GraphScalars.constant(width, levels).div(width);
    NDArray z = s.mul(a).round().add(1L << (bits - 1));
    return new Grid(s, z, bits);
  }

  /** The signed integer codes q (as float32 values). */
  public static NDArray codes(NDArray x, Grid g) {
    long half = 1L << (g.bits() - 1);
    return x.mul(g.scale()).sub(g.zeroPoint()).round().clip(-half, half - 1);
  }

  /** x̂ = (q + z) / s. */
  public static NDArray dequantize(NDArray codes, Grid g) {
    return codes.add(g.zeroPoint()).div(g.scale());
  }

  /** Q(x) for a detached x. */
  public static NDArray fakeQuantize(NDArray x, Grid g) {
    return dequantize(codes(x, g), g);
  }

  /**
   * The identity straight-through estimator without a clip mask (GDFQ, spec §1.4): the value of
   * {@code quantized} bit for bit, the gradient of {@code x}. Computed as q + (−x̄ + x) with x̄
   * the detached x: −x̄ + x is exactly 0 for finite x, so the forward value is not perturbed by
   * an ulp as x + (q − x) would be. The result belongs to {@code quantized}'s manager.
   */
  public static NDArray straightThrough(NDArray x, NDArray quantized) {
    NDArray detached = x.stopGradient();
    detached.attach(quantized.getManager());
    NDArray zero = detached.neg().add(x);
    return quantized.add(zero);
  }
}
