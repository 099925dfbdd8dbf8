package dev.rgal.incremental;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.index.NDIndex;
import dev.rgal.api.model.BnStatistics;
import dev.rgal.toolkit.graph.GraphScalars;
import dev.rgal.toolkit.loss.Losses;
import java.util.List;

/** ABD's model-inversion losses (spec §3.2), each a scalar that gradients flow through. */
@API(status = EXPERIMENTAL, since = "0.2")
public final class InversionLosses {
  private InversionLosses() {}

  /** Content: CE(o/τ, argmax o), the model's own argmax as target (τ = 1000 in ABD). */
  public static NDArray content(NDArray logits, double tau) {
    NDArray target = logits.argMax(1).stopGradient();
    return Losses.crossEntropy(GraphScalars.div(logits, tau), target);
  }

  /** Class balance: 1 + Σ_c p̄_c ln p̄_c / ln K, p̄ the batch mean of softmax(o); 0 when uniform. */
  public static NDArray balance(NDArray logits) {
    long k = logits.getShape().get(1);
    NDArray p = logits.softmax(1).mean(new int[] {0});
    NDArray plogp = p.mul(GraphScalars.max(p, 1e-12).log()).sum();
    return GraphScalars.div(plogp, Math.log(k)).add(GraphScalars.constant(plogp, 1));
  }

  /**
   * BN statistics as KL(N(μ_r, σ_r²) ‖ N(μ_b, σ_b²)) per channel, averaged over channels, then over
   * layers: ln(σ_b/σ_r) + (σ_r² + (μ_r − μ_b)²)/(2σ_b²) − ½, variances + 1e-8, batch variance biased.
   */
  public static NDArray bnKl(List<BnStatistics> layers) {
    if (layers.isEmpty()) {
      throw new IllegalArgumentException("no BatchNorm statistics captured: the model has no BN layers");
    }
    NDArray sum = null;
    for (BnStatistics s : layers) {
      NDArray varB = GraphScalars.constant(s.batchVar(), 1e-8).add(s.batchVar());
      NDArray varR = s.runningVar().add(1e-8f).stopGradient();
      NDArray muR = s.runningMean().stopGradient();
      NDArray diff = muR.sub(s.batchMean());
      NDArray kl = GraphScalars.mul(varB.log().sub(varR.log()), 0.5)
          .add(varR.add(diff.square()).div(GraphScalars.mul(varB, 2)))
          .sub(GraphScalars.constant(varB, 0.5));
      NDArray layer = kl.mean();
      sum = sum == null ? layer : sum.add(layer);
    }
    return GraphScalars.div(sum, layers.size());
  }

  /**
   * Smoothness prior: mean((x − S(x))²), S a depthwise 5×5 Gaussian (σ = 1 in ABD's form
   * exp(−((i−2)/(2σ))²), normalised to sum 1) on x reflect-padded by 2. Written as two 1-D passes
   * over shifted slices: the kernel is separable, and DJL has no reflect padding.
   */
  public static NDArray smoothness(NDArray x) {
    double[] g = new double[5];
    double total = 0;
    for (int i = 0; i < 5; i++) {
      g[i] = Math.exp(-Math.pow((i - 2) / 2.0, 2));
      total += g[i];
    }
    for (int i = 0; i < 5; i++) {
      g[i] /= total;
    }
    NDArray blurred = blur(blur(x, g, 3), g, 2);
    return x.sub(blurred).square().mean();
  }

  /** One 1-D pass of the kernel along {@code axis} (2 = rows, 3 = columns) with reflect padding 2. */
  private static NDArray blur(NDArray x, double[] g, int axis) {
    long n = x.getShape().get(axis);
    NDArray padded = reflectPad2(x, axis, n);
    NDArray out = null;
    for (int k = 0; k < 5; k++) {
      NDArray shifted = padded.get(index(axis, k, k + n));
      NDArray term = GraphScalars.mul(shifted, g[k]);
      out = out == null ? term : out.add(term);
    }
    return out;
  }

  private static NDArray reflectPad2(NDArray x, int axis, long n) {
    // reflect: [x2, x1 | x0 ... x_{n-1} | x_{n-2}, x_{n-3}]
    NDArray left = NDArrays.concat(new ai.djl.ndarray.NDList(x.get(index(axis, 2, 3)), x.get(index(axis, 1, 2))), axis);
    NDArray right = NDArrays.concat(new ai.djl.ndarray.NDList(x.get(index(axis, n - 2, n - 1)), x.get(index(axis, n - 3, n - 2))), axis);
    return NDArrays.concat(new ai.djl.ndarray.NDList(left, x, right), axis);
  }

  private static NDIndex index(int axis, long from, long to) {
    return axis == 2 ? new NDIndex(":, :, {}:{}", from, to) : new NDIndex(":, :, :, {}:{}", from, to);
  }

}
