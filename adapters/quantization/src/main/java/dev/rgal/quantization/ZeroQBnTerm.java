package dev.rgal.quantization;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.rgal.api.model.BnStatistics;
import dev.rgal.api.synthesis.SynthesisStep;
import dev.rgal.api.synthesis.SynthesisTerm;
import dev.rgal.toolkit.graph.GraphScalars;
import java.io.DataInputStream;
import java.io.DataOutputStream;

/**
 * ZeroQ's distillation loss (spec §2.1, gotchas 12 and 14): for every BatchNorm layer, each
 * image's per-channel spatial mean μ_ic and standard deviation σ_ic = √(unbiased var + 1e-6) of
 * the layer's <em>input</em> against the running mean and √(running var + 1e-6):
 * L_l = (1/N)·Σ_i ‖μ_BN − μ_i·‖² + (1/N)·Σ_i ‖σ_BN − σ_i·‖², plus the same term for the
 * (normalised) input image against mean 0 and standard deviation 1 per channel. No label, no CE.
 * A BN whose input has one value per sample and channel ([N, C], or LeNet-5's conv3 output
 * [N, 120, 1, 1]) has no unbiased per-sample variance (PyTorch would give NaN) and is skipped.
 */
final class ZeroQBnTerm implements SynthesisTerm {
  private static final float EPS = 1e-6f;

  @Override
  public NDArray loss(SynthesisStep step) {
    NDArray views = step.views();
    long c = views.getShape().get(1);
    NDArray total = perSample(views, views.getManager().zeros(new Shape(c)), views.getManager().ones(new Shape(c)));
    for (BnStatistics s : step.teacher().bnStatistics()) {
      if (!hasSpatialExtent(s.input())) {
        continue;
      }
      NDArray sigma = s.runningVar().add(EPS).sqrt();
      total = total.add(perSample(s.input(), s.runningMean(), sigma));
    }
    return total;
  }

  /** Whether each sample has at least two values per channel (an unbiased variance exists). */
  static boolean hasSpatialExtent(NDArray x) {
    Shape s = x.getShape();
    return s.dimension() >= 3 && s.size() / (s.get(0) * s.get(1)) >= 2;
  }

  /** (1/N)·Σ_i ‖μ − μ_i‖² + (1/N)·Σ_i ‖σ − σ_i‖² over x [N, C, ...] against per-channel μ, σ [C]. */
  static NDArray perSample(NDArray x, NDArray mean, NDArray sigma) {
    Shape s = x.getShape();
    long n = s.get(0);
    long c = s.get(1);
    NDArray flat = x.reshape(n, c, -1);
    long count = flat.getShape().get(2);
    NDArray mu = flat.mean(new int[] {2});
    NDArray var = GraphScalars.div(flat.sub(mu.reshape(n, c, 1)).square().sum(new int[] {2}), count - 1);
    NDArray sd = var.add(EPS).sqrt();
    NDArray meanTerm = mu.sub(mean.reshape(1, c)).square().sum(new int[] {1}).mean(new int[] {0});
    NDArray sdTerm = sd.sub(sigma.reshape(1, c)).square().sum(new int[] {1}).mean(new int[] {0});
    return meanTerm.add(sdTerm);
  }

  @Override
  public void saveState(DataOutputStream out) {}

  @Override
  public void loadState(DataInputStream in) {}
}
