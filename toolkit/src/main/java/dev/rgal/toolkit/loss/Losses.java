package dev.rgal.toolkit.loss;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import dev.rgal.toolkit.graph.GraphScalars;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.rgal.api.model.BnStatistics;
import java.util.List;

/**
 * Loss functions exactly as the reference DFKD code computes them (see
 * {@code spec/baseline-methods.md} §1.3–1.4). All return scalars attached to the autograd graph.
 */
@API(status = STABLE, since = "0.1")
public final class Losses {
  private Losses() {}

  /**
   * Knowledge-distillation loss {@code T² · (1/N) Σ_i Σ_c p_t (ln p_t − ln p_s)} with
   * {@code p = softmax(logits / T)}: forward KL(teacher ‖ student), batch mean.
   */
  public static NDArray kd(NDArray studentLogits, NDArray teacherLogits, double temperature) {
    double invT = (float) (1.0 / temperature);
    NDArray logPt = GraphScalars.mul(teacherLogits, invT).logSoftmax(1);
    NDArray logPs = GraphScalars.mul(studentLogits, invT).logSoftmax(1);
    NDArray kl = logPt.exp().mul(logPt.sub(logPs)).sum(new int[] {1}).mean();
    return GraphScalars.mul(kl, (float) (temperature * temperature));
  }

  /**
   * Decision-adversarial loss of CMI and Fast: {@code −(1/N) Σ_i m_i KL(p_t,i ‖ p_s,i)} at T = 1,
   * where {@code m_i = [argmax s_i == argmax t_i]}; samples on which the two already disagree get
   * no push, and the mean still divides by N.
   */
  public static NDArray adversarial(NDArray studentLogits, NDArray teacherLogits) {
    NDArray logPt = teacherLogits.logSoftmax(1);
    NDArray logPs = studentLogits.logSoftmax(1);
    NDArray agree = studentLogits.argMax(1).eq(teacherLogits.argMax(1)).toType(DataType.FLOAT32, false);
    NDArray perSample = logPt.exp().mul(logPt.sub(logPs)).sum(new int[] {1});
    return perSample.mul(agree.stopGradient()).mean().neg();
  }

  /** Mean cross-entropy of logits against integer targets. */
  public static NDArray crossEntropy(NDArray logits, NDArray targets) {
    NDArray oneHot = targets.toType(DataType.INT32, false).oneHot((int) logits.getShape().get(1));
    return oneHot.mul(logits.logSoftmax(1)).sum(new int[] {1}).mean().neg();
  }

  /**
   * DeepInversion's feature-statistics loss: over every BN layer, the plain (not squared) L2 norm
   * of the mean difference plus that of the (biased) variance difference.
   */
  public static NDArray bnStatistics(List<BnStatistics> layers) {
    if (layers.isEmpty()) {
      throw new IllegalArgumentException("no BatchNorm statistics captured: the teacher has no BN layers or was run without capture");
    }
    NDArray total = null;
    for (BnStatistics s : layers) {
      // batch statistic first: an op's result belongs to its first operand's manager, and the
      // running statistics live as long as the teacher (a result there would leak, together
      // with the autograd graph it holds)
      NDArray r = s.batchMean().sub(s.runningMean()).norm().add(s.batchVar().sub(s.runningVar()).norm());
      total = total == null ? r : total.add(r);
    }
    return total;
  }

  /**
   * Total variation with the four neighbour directions of DeepInversion (right, down and both
   * diagonals). L1: sum of the mean absolute differences. L2: sum of the Frobenius norms.
   */
  public static NDArray totalVariation(NDArray x, boolean l2) {
    NDArray[] diffs = {
      x.get(":, :, :, :-1").sub(x.get(":, :, :, 1:")),
      x.get(":, :, :-1, :").sub(x.get(":, :, 1:, :")),
      x.get(":, :, 1:, :-1").sub(x.get(":, :, :-1, 1:")),
      x.get(":, :, :-1, :-1").sub(x.get(":, :, 1:, 1:")),
    };
    NDArray total = null;
    for (NDArray d : diffs) {
      // norm(), not sqrt(sum of squares): its gradient at an all-zero difference (a saturated
      // image) is 0, where the sqrt form gives NaN
      NDArray v = l2 ? d.norm() : d.abs().mean();
      total = total == null ? v : total.add(v);
    }
    return total;
  }

  /** L2 norm of the whole image tensor. */
  public static NDArray l2(NDArray x) {
    return x.norm();
  }

  /**
   * ADI's competition divergence as the reference code computes it:
   * {@code ½·KL(M‖P) + ½·KL(M‖Q)} with {@code P = softmax(s/3)}, {@code Q = softmax(t/3)},
   * {@code M = (P+Q)/2}, all three clamped to [0.01, 0.99], batch mean. (The reference calls
   * {@code kl_div(log P, M)}, which is KL(M‖P), the reverse of the textbook JS; kept on purpose.)
   */
  public static NDArray adiCompetition(NDArray studentLogits, NDArray teacherLogits) {
    NDArray p = GraphScalars.div(studentLogits, 3).softmax(1);
    NDArray q = GraphScalars.div(teacherLogits, 3).softmax(1);
    NDArray m = GraphScalars.mul(p.add(q), 0.5).clip(0.01f, 0.99f);
    p = p.clip(0.01f, 0.99f);
    q = q.clip(0.01f, 0.99f);
    NDArray logM = m.log();
    NDArray klMp = m.mul(logM.sub(p.log())).sum(new int[] {1}).mean();
    NDArray klMq = m.mul(logM.sub(q.log())).sum(new int[] {1}).mean();
    return GraphScalars.mul(klMp.add(klMq), 0.5);
  }
}
