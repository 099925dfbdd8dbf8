package dev.rgal.engine.train;

import dev.rgal.api.DfkdException;
import dev.rgal.api.RunSpec.StudentOptimizer;

/** Per-epoch learning-rate schedules, stepped once per epoch like the reference code. */
public final class LearningRates {
  private LearningRates() {}

  /**
   * Learning rate of 0-based {@code epoch} out of {@code epochs}: {@code cosine} is PyTorch's
   * {@code CosineAnnealingLR(T_max = epochs, eta_min = lrMin)}; {@code constant} keeps {@code lr}.
   */
  public static double at(StudentOptimizer opt, int epoch, int epochs) {
    return switch (opt.schedule()) {
      case "cosine" -> opt.lrMin() + (opt.lr() - opt.lrMin()) * (1 + Math.cos(Math.PI * epoch / epochs)) / 2;
      case "constant" -> opt.lr();
      default -> throw new DfkdException("unknown learning-rate schedule '" + opt.schedule() + "'; use cosine or constant");
    };
  }
}
