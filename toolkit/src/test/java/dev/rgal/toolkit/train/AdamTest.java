package dev.rgal.toolkit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdamTest {
  @Test
  void matchesTorchAdamFormulaWithPerGroupLearningRates() {
    try (NDManager nm = NDManager.newBaseManager()) {
      NDArray a = nm.create(new float[] {1f, -2f});
      NDArray b = nm.create(new float[] {0.5f});
      a.setRequiresGradient(true);
      b.setRequiresGradient(true);
      double[] lr = {1e-2, 3e-2};
      double b1 = 0.5;
      double b2 = 0.999;
      double[] ref = {1, -2, 0.5};
      double[] m = new double[3];
      double[] v = new double[3];
      try (Adam adam = Adam.of(List.of(new Adam.Group(List.of(a), lr[0]), new Adam.Group(List.of(b), lr[1])), b1, b2, nm)) {
        for (int t = 1; t <= 4; t++) {
          try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            // loss = Σ a³ + 2b² → grads 3a², 4b
            gc.backward(a.pow(3).sum().add(b.square().sum().mul(2)));
          }
          adam.step();
          double[] g = {3 * ref[0] * ref[0], 3 * ref[1] * ref[1], 4 * ref[2]};
          for (int i = 0; i < 3; i++) {
            m[i] = b1 * m[i] + (1 - b1) * g[i];
            v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
            double mh = m[i] / (1 - Math.pow(b1, t));
            double denom = Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(b2, t)) + 1e-8;
            ref[i] -= (i < 2 ? lr[0] : lr[1]) * mh / denom;
          }
          assertEquals(ref[0], a.toFloatArray()[0], 1e-5);
          assertEquals(ref[1], a.toFloatArray()[1], 1e-5);
          assertEquals(ref[2], b.toFloatArray()[0], 1e-5);
        }
      }
    }
  }
}
