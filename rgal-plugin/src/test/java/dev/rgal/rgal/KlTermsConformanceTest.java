package dev.rgal.rgal;

import static dev.rgal.rgal.ConformanceVectors.array;
import static dev.rgal.rgal.ConformanceVectors.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;

/** The {@code aux} section of the conformance vectors: KD (T = 20) and the adversarial KL. */
class KlTermsConformanceTest {
  private static final double TOL = 1e-5;

  @Test
  void kdMatchesValueAndStudentGradient() {
    JsonObject v = ConformanceVectors.load();
    JsonObject aux = v.getAsJsonObject("aux").getAsJsonObject("kd_kl_T20");
    assertEquals("case input sampler_logits", aux.get("student_logits").getAsString());
    assertEquals("inputs.teacher_logits", aux.get("teacher_logits").getAsString());
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray s = array(m, v.getAsJsonObject("inputs").get("sampler_logits"));
      NDArray t = array(m, v.getAsJsonObject("inputs").get("teacher_logits"));
      s.setRequiresGradient(true);
      NDArray loss;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        loss = KlTerms.kd(s, t, aux.get("T").getAsDouble());
        gc.backward(loss);
      }
      assertEquals(new Shape(), loss.getShape());
      assertClose("kd loss", new double[] {aux.get("loss").getAsDouble()}, loss, TOL);
      assertClose("kd grad", aux.get("grad_student_logits"), s.getGradient(), TOL);
    }
  }

  @Test
  void adversarialMatchesMaskValueAndBothGradients() {
    JsonObject v = ConformanceVectors.load();
    JsonObject aux = v.getAsJsonObject("aux").getAsJsonObject("adv_neg_kl_T1");
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray s = array(m, v.getAsJsonObject("inputs").get("sampler_logits"));
      NDArray t = array(m, v.getAsJsonObject("inputs").get("teacher_logits"));
      assertClose("mask", aux.get("mask"), KlTerms.agreementMask(s, t), 0);
      s.setRequiresGradient(true);
      t.setRequiresGradient(true);
      NDArray loss;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        loss = KlTerms.adversarial(s, t);
        gc.backward(loss);
      }
      assertClose("adv loss", new double[] {aux.get("loss").getAsDouble()}, loss, TOL);
      assertClose("adv grad student", aux.get("grad_student_logits"), s.getGradient(), TOL);
      assertClose("adv grad teacher", aux.get("grad_teacher_logits"), t.getGradient(), TOL);
    }
  }

  @Test
  void rejectsBadInput() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray a = m.ones(new Shape(2, 3));
      assertThrows(IllegalArgumentException.class, () -> KlTerms.kd(a, a, 0));
      assertThrows(
          IllegalArgumentException.class, () -> KlTerms.adversarial(a, m.ones(new Shape(2, 4))));
    }
  }
}
