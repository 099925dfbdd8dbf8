package dev.rgal.kernel.run;

import java.util.Map;

/**
 * One completed KD epoch.
 *
 * @param epoch 0-based epoch
 * @param epochs total epochs
 * @param accuracy student top-1 on the real test set, NaN without test data
 * @param bestAccuracy best so far
 * @param learningRate student learning rate of the epoch
 * @param synthesisMillis wall time of this epoch's synthesis calls
 * @param kdMillis wall time of this epoch's student training
 * @param poolSize images in the pool (= images synthesised so far)
 * @param losses mean weighted loss per student term, and the last synthesis call's terms
 *     prefixed {@code synth.}
 */
public record EpochReport(
    int epoch, int epochs, double accuracy, double bestAccuracy, double learningRate,
    double synthesisMillis, double kdMillis, int poolSize, Map<String, Double> losses) {
  public EpochReport {
    losses = Map.copyOf(losses);
  }
}
