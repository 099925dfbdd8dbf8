package dev.rgal.incremental;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

import ai.djl.ndarray.NDArray;
import dev.rgal.toolkit.graph.GraphScalars;
import dev.rgal.toolkit.loss.Losses;
import java.util.Map;

/**
 * {@code lwf}, single-head Learning without Forgetting as ABD runs it (spec §5.2):
 * {@code L = CE(z[:K_s], y) + μ·KD_T(z[:K_o], z_old[:K_o])} on the same real new-task batch, with
 * KD_T(a, q) = −mean Σ softmax(q/T)·log softmax(a/T), T = 2, no T² factor, μ = 1; M_{t−1} frozen
 * in eval mode. At task 1 it is plain CE.
 */
@API(status = EXPERIMENTAL, since = "0.2")
public final class LwfMethod implements IncrementalMethod {
  static final double MU = 1.0;
  static final double T = 2.0;

  @Override
  public String name() {
    return "lwf";
  }

  @Override
  public String description() {
    return "Learning without Forgetting, single head (ABD's): CE + KD at T 2 on the old logits of the new task's images";
  }

  @Override
  public IncrementalLearner learner() {
    return ctx -> Map.of("loss", SupervisedLoop.train(ctx, ctx.data().newTask(), (x, y, out, m) -> {
      NDArray ce = Losses.crossEntropy(Heads.seen(out.logits(), ctx.seenClasses()), y);
      if (ctx.previous() == null || ctx.oldClasses() == 0) {
        return ce;
      }
      NDArray old = Heads.slice(ctx.previous().forward(x, false).logits(), 0, ctx.oldClasses()).stopGradient();
      return ce.add(GraphScalars.mul(distillation(Heads.slice(out.logits(), 0, ctx.oldClasses()), old, T), MU));
    }));
  }

  /** KD_T(a, q) = −(1/N) Σ_i Σ_c softmax(q_i/T)_c · log softmax(a_i/T)_c (cross-entropy form, no T²). */
  static NDArray distillation(NDArray logits, NDArray targetLogits, double temperature) {
    // GraphScalars: a plain mul(Number) operand would be freed before the backward pass reads it
    NDArray q = GraphScalars.div(targetLogits, temperature).softmax(1);
    return q.mul(GraphScalars.div(logits, temperature).logSoftmax(1)).sum(new int[] {1}).mean().neg();
  }
}
