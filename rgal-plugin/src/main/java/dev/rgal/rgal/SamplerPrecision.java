package dev.rgal.rgal;

/**
 * How a {@link NegativeSampler} evaluates its weights (spec §4.4).
 *
 * <p>The released code takes the row max of the log-weight over the whole row (diagonal,
 * same-label and out-of-window entries included) and runs in float32. With the focal sampler a
 * very close same-label pair then makes every in-window weight of that row underflow to 0, and the
 * row silently falls back to uniform over all different-label samples.
 */
public enum SamplerPrecision {
  /**
   * Bit-for-bit intent of the released code: float32, row max over the whole row, so the
   * underflow → uniform fallback happens exactly where the original had it.
   */
  REPRODUCE_FLOAT32,

  /**
   * The mathematically intended distribution: float64, and the max is taken over the
   * <em>windowed</em> entries only (subtracting any constant leaves the normalised row unchanged,
   * so this equals the exact-arithmetic result). The largest windowed weight is therefore exactly
   * 1 and a row falls back to uniform only if it has no windowed negative at all. Float64 is used
   * as well so the distances of near-duplicates (where ‖a‖²+‖b‖²−2a·b cancels) are accurate.
   */
  WELL_DEFINED
}
