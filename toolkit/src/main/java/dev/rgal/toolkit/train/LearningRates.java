package dev.rgal.toolkit.train;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import dev.rgal.api.DfkdException;

/** Per-epoch learning-rate schedules, stepped once per epoch like the reference code. */
@API(status = STABLE, since = "0.1")
public final class LearningRates {
  private LearningRates() {}

  /**
   * Learning rate of 0-based {@code epoch} out of {@code epochs}: {@code cosine} is PyTorch's
   * {@code CosineAnnealingLR(T_max = epochs, eta_min = lrMin)}; {@code constant} keeps {@code lr}.
   */
  public static double at(String schedule, double lr, double lrMin, int epoch, int epochs) {
    return switch (schedule) {
      case "cosine" -> lrMin + (lr - lrMin) * (1 + Math.cos(Math.PI * epoch / epochs)) / 2;
      case "constant" -> lr;
      default -> throw new DfkdException("unknown learning-rate schedule '" + schedule + "'; use cosine or constant");
    };
  }
}
