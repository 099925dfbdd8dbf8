package dev.rgal.quantization;

import dev.rgal.api.DfkdException;

/**
 * How an activation quantizer's range [a, b] follows the calibration batches (spec §1.3, §5).
 * {@code min-max}: running minimum and maximum over everything seen (ZeroQ). {@code ema}: an
 * exponential moving average of the batch minimum and maximum with β = 0.9, stored uncorrected
 * and bias-corrected on read, m_t / (1 − β^t) (Adam-style; not the compounding formula of GDFQ).
 */
public enum RangeEstimator {
  MIN_MAX("min-max"),
  EMA("ema");

  /** The EMA decay of the GDFQ family. */
  public static final double EMA_BETA = 0.9;

  private final String label;

  RangeEstimator(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  /**
   * @throws DfkdException for an unknown name
   */
  public static RangeEstimator parse(String label) {
    for (RangeEstimator e : values()) {
      if (e.label.equals(label)) {
        return e;
      }
    }
    throw new DfkdException("unknown range estimator '" + label + "': use min-max or ema");
  }

  @Override
  public String toString() {
    return label;
  }
}
