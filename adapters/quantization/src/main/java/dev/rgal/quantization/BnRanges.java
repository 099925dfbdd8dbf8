package dev.rgal.quantization;

import ai.djl.nn.Parameter;
import dev.rgal.api.DfkdException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Activation ranges without data (DFQ row R1, spec §5): after a ReLU whose input is a BatchNorm's
 * output y = γ·x̂ + β, the range is [0, max_c(β_c + m·|γ_c|)], i.e. m standard deviations of each
 * channel's pre-activation above its mean, assuming x̂ is standard normal. A ReLU without a BN right
 * before it (LeNet-5's fc.1, a ResNet's ReLU after the residual sum) has nothing to derive a range
 * from: it gets {@code fixedHigh} when one is given and is an error otherwise. This is fragile
 * (spec §3.3): a BN whose data was far from normal gives a range far from the true one.
 */
final class BnRanges {
  private BnRanges() {}

  /**
   * Freezes every activation quantizer of {@code net} at its BN-derived (or fixed) range.
   *
   * @param sigmas m, the number of BN standard deviations above β the range reaches
   * @param fixedHigh the upper end for a ReLU without a preceding BN, or null to refuse those
   * @return the ranges, with estimator {@code bn} or {@code fixed}
   * @throws DfkdException naming the first ReLU without a BN when {@code fixedHigh} is null
   */
  static CalibrationTable apply(QuantizedNet net, double sigmas, @Nullable Double fixedHigh) {
    Map<String, String> bnOf = net.net().batchNormBeforeActivation();
    Map<String, Parameter> sd = net.net().stateDict();
    List<CalibrationTable.Row> rows = new ArrayList<>();
    for (ActivationQuantizer q : net.activationQuantizers().values()) {
      String bn = bnOf.get(q.site());
      double high;
      String origin;
      if (bn != null) {
        float[] gamma = sd.get(bn + ".weight").getArray().toFloatArray();
        float[] beta = sd.get(bn + ".bias").getArray().toFloatArray();
        high = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < gamma.length; c++) {
          high = Math.max(high, beta[c] + sigmas * Math.abs(gamma[c]));
        }
        origin = "bn";
      } else if (fixedHigh != null) {
        high = fixedHigh;
        origin = "fixed";
      } else {
        throw new DfkdException("--data none: the activation after " + q.site() + " of " + net.info().architecture()
            + " has no BatchNorm before its ReLU to take a range from; quantize weights only (--bits w" + net.config().bits().weights()
            + "a32), give that ReLU a fixed range (--set task.settings.fixedRange=HIGH) or use a data source");
      }
      if (!(high > 0)) {
        // every channel of that BN is (nearly) always negative before the ReLU: the output is ~0
        high = Double.MIN_NORMAL;
      }
      q.freezeAt(0, high);
      rows.add(new CalibrationTable.Row(q.site(), q.bits(), origin, 0, 0, high));
    }
    return new CalibrationTable(rows);
  }
}
