package dev.rgal.incremental;

import java.util.Map;

/** A test method that declares it needs BatchNorm statistics, to check the architecture refusal. */
public final class BnProbeMethod implements IncrementalMethod {
  @Override
  public String name() {
    return "bn-probe";
  }

  @Override
  public String description() {
    return "test only: declares BN statistics";
  }

  @Override
  public boolean needsBatchNorm() {
    return true;
  }

  @Override
  public IncrementalLearner learner() {
    return ctx -> Map.of();
  }
}
