package dev.rgal.quantization;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.rgal.api.DfkdException;
import dev.rgal.toolkit.graph.NoGrad;

/**
 * Post-training calibration (ZeroQ, spec §1.3): the ranges restart, every batch runs one eval-mode
 * forward without gradient with the activation quantizers updating, then the ranges freeze.
 */
public final class Calibration {
  private Calibration() {}

  /**
   * Calibrates on {@code batches} (normalised [N, C, H, W] inputs) and freezes the ranges.
   *
   * @return the calibrated ranges
   * @throws DfkdException if there is no batch
   */
  public static CalibrationTable calibrate(QuantizedNet net, Iterable<NDArray> batches) {
    net.startCalibration();
    int seen = 0;
    for (NDArray x : batches) {
      try (NDManager scope = x.getManager().newSubManager()) {
        NDArray view = x.stopGradient();
        view.attach(scope);
        NoGrad.run(() -> net.forward(view, false));
      }
      seen++;
    }
    if (seen == 0) {
      throw new DfkdException("calibration got no batch: pass at least one batch of images");
    }
    net.freezeRanges();
    return CalibrationTable.of(net);
  }
}
