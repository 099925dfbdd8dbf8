package dev.rgal.rgal;

import dev.rgal.toolkit.graph.GraphScalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * The two KL terms RGAL is combined with (spec §3 and §5), as small helpers checked by the
 * conformance vectors' {@code aux} section. The engine owns the production KD term; these exist so
 * the RGAL plugin can be tested end to end without it.
 *
 * <p>Both return a scalar attached to the autograd graph of the logits, in the manager of
 * {@code student}; temporaries are freed. The gradient is that of the logits' own precision; the
 * returned value is the float64 result (see {@link #kd} for why).
 */
public final class KlTerms {
  private KlTerms() {}

  /**
   * Knowledge-distillation loss {@code T² · (1/N) Σ_i KL(softmax(t_i/T) ‖ softmax(s_i/T))}
   * (batchmean reduction, as the released {@code KLDiv}).
   *
   * @param student [N, K] student logits
   * @param teacher [N, K] teacher logits (detach them first if no gradient should reach them)
   * @param temperature T &gt; 0 (RGAL uses 20)
   * @return the scalar loss; its value is computed in float64 because at T = 20 float32 loses
   *     about 1e-5 absolute to cancellation magnified by T²
   */
  public static NDArray kd(NDArray student, NDArray teacher, double temperature) {
    if (!(temperature > 0)) {
      throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
    }
    checkShapes(student, teacher);
    NDManager base = student.getManager();
    try (NDManager tmp = base.newSubManager()) {
      student.tempAttach(tmp);
      if (teacher != student) {
        teacher.tempAttach(tmp);
      }
      double t2 = temperature * temperature;
      NDArray graph = GraphScalars.mul(rowKl(student, teacher, temperature).mean(), t2);
      NDArray exact = rowKl(detached64(student), detached64(teacher), temperature).mean().mul(t2);
      NDArray loss = withExactValue(graph, exact);
      loss.attach(base);
      return loss;
    }
  }

  /**
   * The synthesis adversarial term {@code −(1/N) Σ_i m_i · KL(softmax(t_i) ‖ softmax(s_i))} with
   * {@code m_i = [argmax s_i == argmax t_i]} (no gradient through the mask): only samples on which
   * the student still agrees with the teacher are pushed towards disagreement.
   */
  public static NDArray adversarial(NDArray student, NDArray teacher) {
    checkShapes(student, teacher);
    NDManager base = student.getManager();
    try (NDManager tmp = base.newSubManager()) {
      student.tempAttach(tmp);
      if (teacher != student) {
        teacher.tempAttach(tmp);
      }
      NDArray agree = student.argMax(1).eq(teacher.argMax(1));
      NDArray graph =
          rowKl(student, teacher, 1.0).mul(agree.toType(student.getDataType(), false)).mean().neg();
      NDArray exact =
          rowKl(detached64(student), detached64(teacher), 1.0)
              .mul(agree.toType(DataType.FLOAT64, false))
              .mean()
              .neg();
      NDArray loss = withExactValue(graph, exact);
      loss.attach(base);
      return loss;
    }
  }

  /** The agreement mask of {@link #adversarial}: 1 where both argmaxes match, as float32. */
  public static NDArray agreementMask(NDArray student, NDArray teacher) {
    checkShapes(student, teacher);
    return student.argMax(1).eq(teacher.argMax(1)).toType(DataType.FLOAT32, false);
  }

  /** [N]: Σ_c p_t (ln p_t − ln p_s) at temperature T, via log-softmax. */
  private static NDArray rowKl(NDArray student, NDArray teacher, double temperature) {
    NDArray logPt = GraphScalars.div(teacher, temperature).logSoftmax(1);
    NDArray logPs = GraphScalars.div(student, temperature).logSoftmax(1);
    return logPt.exp().mul(logPt.sub(logPs)).sum(new int[] {1});
  }

  private static NDArray detached64(NDArray x) {
    return x.stopGradient().toType(DataType.FLOAT64, false);
  }

  /**
   * The graph's gradient with the float64 value. At T = 20 both distributions are near-uniform,
   * ln p_t − ln p_s cancels and T² = 400 magnifies the float32 error of the value to about 1e-5,
   * while the gradient (T/N)(p_s − p_t) stays accurate. DJL's {@code toType} on PyTorch cuts the
   * autograd graph, so the float64 value is added as a detached correction instead of a cast.
   */
  private static NDArray withExactValue(NDArray graph, NDArray exact) {
    NDArray correction = exact.sub(graph.stopGradient().toType(DataType.FLOAT64, false));
    return graph.add(correction.toType(graph.getDataType(), false));
  }

  private static void checkShapes(NDArray student, NDArray teacher) {
    if (student.getShape().dimension() != 2 || !student.getShape().equals(teacher.getShape())) {
      throw new IllegalArgumentException(
          "logits must both be [N, K], got " + student.getShape() + " and " + teacher.getShape());
    }
  }
}
