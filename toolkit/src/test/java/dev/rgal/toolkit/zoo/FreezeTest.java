package dev.rgal.toolkit.zoo;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/** Freezing and unfreezing never makes BN running statistics trainable. */
class FreezeTest {
  @Test
  void unfreezeKeepsRunningStatisticsOutOfAutograd() {
    try (NDManager manager = NDManager.newBaseManager();
        ZooNet net = Zoo.create("lenet5-bn", manager, 1, 32, 32, 10)) {
      net.block().freezeParameters(true);
      Parameter w = net.stateDict().get("features.0.weight");
      assertFalse(w.requiresGradient());
      net.block().freezeParameters(false);
      assertTrue(w.requiresGradient());
      Parameter rm = net.stateDict().get("features.1.running_mean");
      assertFalse(rm.requiresGradient());
      assertFalse(rm.getArray().hasGradient());
      // a training step with running-stat updates inside a collector must work after unfreezing
      NDArray x = manager.randomNormal(new Shape(4, 1, 32, 32));
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(net.forward(x, true).logits().mean());
      }
      assertTrue(w.getArray().getGradient().abs().sum().getFloat() > 0);
    }
  }
}
