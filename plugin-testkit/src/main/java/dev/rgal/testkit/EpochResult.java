package dev.rgal.testkit;

import java.util.Map;

/**
 * One completed epoch of a {@link DistilledRun}.
 *
 * @param epoch 0-based epoch
 * @param accuracy student top-1 on the real test images after the epoch, NaN without test data
 * @param poolSize images synthesised so far
 * @param losses mean weighted loss per student term (and {@code kd}, {@code total}), and the last
 *     synthesis call's terms prefixed {@code synth.}
 */
public record EpochResult(int epoch, double accuracy, int poolSize, Map<String, Double> losses) {
  public EpochResult {
    losses = Map.copyOf(losses);
  }
}
