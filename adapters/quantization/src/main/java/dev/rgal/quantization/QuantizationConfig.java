package dev.rgal.quantization;

/**
 * Everything that decides how a net is quantized.
 *
 * @param bits weight and activation widths
 * @param policy per-layer widths
 * @param estimator activation range estimator
 * @param bnMode BatchNorm statistics in training forwards
 */
public record QuantizationConfig(BitWidths bits, LayerPolicy policy, RangeEstimator estimator, BnMode bnMode) {
  /** GDFQ's convention at the given widths: all-k, EMA ranges, eval-mode BN. */
  public static QuantizationConfig gdfq(BitWidths bits) {
    return new QuantizationConfig(bits, LayerPolicy.ALL_K, RangeEstimator.EMA, BnMode.EVAL_STATISTICS);
  }

  public QuantizationConfig withPolicy(LayerPolicy p) {
    return new QuantizationConfig(bits, p, estimator, bnMode);
  }

  public QuantizationConfig withEstimator(RangeEstimator e) {
    return new QuantizationConfig(bits, policy, e, bnMode);
  }

  public QuantizationConfig withBnMode(BnMode m) {
    return new QuantizationConfig(bits, policy, estimator, m);
  }
}
