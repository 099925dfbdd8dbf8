package dev.rgal.toolkit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class SgdTest {
  /** One step of loss = Σ c·w·w/2 (gradient c·w) on a fresh weight. */
  private static void backward(NDArray w, float[] c) {
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      gc.backward(w.mul(w).mul(w.getManager().create(c)).sum().mul(0.5f));
    }
  }

  @Test
  void matchesTorchSgdWithMomentumAndWeightDecay() {
    try (NDManager m = NDManager.newBaseManager()) {
      float[] w0 = {1f, -2f, 0.5f};
      float[] c = {0.3f, 1.5f, -0.7f};
      double lr = 0.1;
      double mu = 0.9;
      double wd = 1e-2;
      NDArray w = m.create(w0);
      w.setRequiresGradient(true);
      try (Sgd sgd = new Sgd(List.of(w), mu, wd, m)) {
        double[] ref = {w0[0], w0[1], w0[2]};
        double[] buf = new double[3];
        for (int step = 0; step < 3; step++) {
          backward(w, c);
          sgd.step(lr);
          for (int i = 0; i < 3; i++) {
            double g = c[i] * ref[i] + wd * ref[i];
            buf[i] = step == 0 ? g : mu * buf[i] + g;
            ref[i] -= lr * buf[i];
          }
          float[] got = w.toFloatArray();
          for (int i = 0; i < 3; i++) {
            assertEquals(ref[i], got[i], 1e-6, "step " + step + " index " + i);
          }
          assertEquals(0f, w.getGradient().abs().sum().getFloat(), "gradient zeroed after the step");
        }
      }
    }
  }

  @Test
  void stateRoundTripContinuesIdentically() throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      float[] c = {0.3f, 1.5f};
      NDArray a = m.create(new float[] {1f, 2f});
      NDArray b = m.create(new float[] {1f, 2f});
      a.setRequiresGradient(true);
      b.setRequiresGradient(true);
      try (Sgd sa = new Sgd(List.of(a), 0.9, 1e-4, m); Sgd sb = new Sgd(List.of(b), 0.9, 1e-4, m)) {
        backward(a, c);
        sa.step(0.1);
        backward(b, c);
        sb.step(0.1);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        sa.saveState(new DataOutputStream(bytes));
        try (Sgd restored = new Sgd(List.of(b), 0.9, 1e-4, m)) {
          restored.loadState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
          backward(a, c);
          sa.step(0.1);
          backward(b, c);
          restored.step(0.1);
          assertArrayEquals(a.toFloatArray(), b.toFloatArray(), 0f);
        }
      }
    }
  }

  @Test
  void cosineScheduleMatchesTorchCosineAnnealing() {
    assertEquals(0.1, LearningRates.at("cosine", 0.1, 0.0, 0, 30), 1e-12);
    assertEquals(0.05, LearningRates.at("cosine", 0.1, 0.0, 15, 30), 1e-12);
    assertEquals(0.1 * (1 + Math.cos(Math.PI * 29 / 30)) / 2, LearningRates.at("cosine", 0.1, 0.0, 29, 30), 1e-12);
    assertEquals(0.1, LearningRates.at("constant", 0.1, 0.0, 29, 30));
  }
}
