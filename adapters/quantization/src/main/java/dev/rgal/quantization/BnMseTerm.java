package dev.rgal.quantization;

import ai.djl.ndarray.NDArray;
import dev.rgal.api.model.BnStatistics;
import dev.rgal.api.synthesis.SynthesisStep;
import dev.rgal.api.synthesis.SynthesisTerm;
import dev.rgal.toolkit.graph.GraphScalars;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.List;

/**
 * GDFQ's BN-statistics loss (spec §2.2, {@code bn-mse}): (1/L)·Σ_l [MSE(μ_l, running mean_l) +
 * MSE(σ²_l, running var_l)] over the teacher's BN layers, with the batch mean and the biased
 * batch variance of each BN's input and MSE averaged over the channels: squared error, where the
 * toolkit's DeepInversion {@code bn} term takes L2 norms.
 */
final class BnMseTerm implements SynthesisTerm {
  @Override
  public NDArray loss(SynthesisStep step) {
    return loss(step.teacher().bnStatistics());
  }

  /** The loss over these layers' statistics. */
  static NDArray loss(List<BnStatistics> layers) {
    if (layers.isEmpty()) {
      throw new dev.rgal.api.DfkdException("the bn-mse term needs a teacher with BatchNorm layers: drop the term or use a BN teacher");
    }
    NDArray total = null;
    for (BnStatistics s : layers) {
      NDArray l = s.batchMean().sub(s.runningMean()).square().mean().add(s.batchVar().sub(s.runningVar()).square().mean());
      total = total == null ? l : total.add(l);
    }
    return GraphScalars.div(total, layers.size());
  }

  @Override
  public void saveState(DataOutputStream out) {}

  @Override
  public void loadState(DataInputStream in) {}
}
