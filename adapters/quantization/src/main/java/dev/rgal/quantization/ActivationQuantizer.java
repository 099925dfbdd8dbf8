package dev.rgal.quantization;

import ai.djl.ndarray.NDArray;
import dev.rgal.api.DfkdException;
import dev.rgal.toolkit.graph.GraphScalars;

/**
 * A per-tensor quantizer after one ReLU (spec §1.3). While calibrating, every forward first
 * updates the range from the batch minimum and maximum (over the whole tensor) and then quantizes
 * with it; once frozen the range never moves (evaluation and QAT forwards included, §6.6). The
 * range is host state: no gradient can reach it (§6.2).
 */
public final class ActivationQuantizer {
  /** Calibration state. */
  public enum State { CALIBRATING, FROZEN }

  private final String site;
  private final int bits;
  private final RangeEstimator estimator;
  private State state = State.CALIBRATING;
  private long updates;
  // min-max: the running extremes; ema: the uncorrected averages m_t
  private double low;
  private double high;
  // a reloaded model's range is stored as read, not as raw EMA
  private boolean loaded;

  ActivationQuantizer(String site, int bits, RangeEstimator estimator) {
    this.site = site;
    this.bits = bits;
    this.estimator = estimator;
  }

  public String site() {
    return site;
  }

  public int bits() {
    return bits;
  }

  public RangeEstimator estimator() {
    return estimator;
  }

  public State state() {
    return state;
  }

  /** Number of batches the range was updated from. */
  public long updates() {
    return updates;
  }

  /** Starts (or restarts, discarding the range) calibration. */
  public void calibrate() {
    state = State.CALIBRATING;
    loaded = false;
    updates = 0;
    low = 0;
    high = 0;
  }

  /**
   * Freezes the range.
   *
   * @throws DfkdException if no batch was seen
   */
  public void freeze() {
    if (updates == 0) {
      throw new DfkdException("activation quantizer " + site + " saw no calibration batch: run at least one batch before freezing");
    }
    state = State.FROZEN;
  }

  /** Sets a frozen range directly (a reloaded model). */
  void freezeAt(double a, double b) {
    low = a;
    high = b;
    updates = 1;
    state = State.FROZEN;
    loaded = true;
  }

  /** The range [a, b] as read: the extremes, or the EMA bias-corrected by 1 / (1 − β^t). */
  public double[] range() {
    if (updates == 0) {
      throw new DfkdException("activation quantizer " + site + " is not calibrated: run calibration batches first");
    }
    if (estimator == RangeEstimator.MIN_MAX || loaded) {
      return new double[] {low, high};
    }
    double correction = 1 - Math.pow(RangeEstimator.EMA_BETA, updates);
    return new double[] {low / correction, high / correction};
  }

  /** Records one batch's extremes (calibrating only). */
  void observe(double batchMin, double batchMax) {
    if (estimator == RangeEstimator.MIN_MAX) {
      low = updates == 0 ? batchMin : Math.min(low, batchMin);
      high = updates == 0 ? batchMax : Math.max(high, batchMax);
    } else {
      double beta = RangeEstimator.EMA_BETA;
      low = beta * low + (1 - beta) * batchMin;
      high = beta * high + (1 - beta) * batchMax;
    }
    updates++;
  }

  /** The quantized tensor with identity STE; updates the range first while calibrating. */
  NDArray apply(NDArray x) {
    if (state == State.CALIBRATING) {
      NDArray detached = x.stopGradient();
      observe(detached.min().getFloat(), detached.max().getFloat());
      detached.close();
    }
    double[] r = range();
    NDArray detached = x.stopGradient();
    detached.attach(x.getManager());
    FakeQuantizer.Grid g = FakeQuantizer.grid(GraphScalars.constant(detached, r[0]),
        GraphScalars.constant(detached, r[1]), bits);
    return FakeQuantizer.straightThrough(x, FakeQuantizer.fakeQuantize(detached, g));
  }
}
