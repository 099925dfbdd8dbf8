package dev.rgal.toolkit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.junit.jupiter.api.Test;

class GradientSumTest {
  @Test
  void sumsGradientsAcrossOptimiserStepsThatZeroThem() {
    try (NDManager nm = NDManager.newBaseManager()) {
      NDArray w = nm.create(new float[] {1f, 2f});
      w.setRequiresGradient(true);
      try (Adam inner = Adam.of(List.of(new Adam.Group(List.of(w), 0.0)), 0.5, 0.999, nm);
          GradientSum sum = new GradientSum(List.of(w), nm)) {
        // loss_k = (k+1)·Σ w², so the gradients are 2(k+1)·w (w unchanged: lr 0)
        for (int k = 0; k < 3; k++) {
          try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(w.square().sum().mul(k + 1));
          }
          sum.add();
          inner.step(); // zeroes the live gradient, which must not reach the sum
        }
        // 2·(1+2+3)·w = 12·w; a kept alias of the live gradient would read 0 here
        assertArrayEquals(new float[] {12f, 24f}, sum.sums().get(0).toFloatArray(), 1e-5f);
      }
    }
  }
}
