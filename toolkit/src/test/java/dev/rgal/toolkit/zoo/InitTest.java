package dev.rgal.toolkit.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Initial parameter distributions per the reference definitions. */
class InitTest {
  static NDManager manager;

  @BeforeAll
  static void open() {
    manager = NDManager.newBaseManager();
    Engine.getInstance().setRandomSeed(11);
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  static float std(NDArray a) {
    return a.sub(a.mean()).square().mean().sqrt().getFloat();
  }

  static float maxAbs(NDArray a) {
    return a.abs().max().getFloat();
  }

  static NDArray p(ZooNet net, String name) {
    return net.stateDict().get(name).getArray();
  }

  /** U(-b, b) has std b / sqrt(3). */
  static void assertTorchDefault(NDArray a, long fanIn, String what) {
    double bound = 1 / Math.sqrt(fanIn);
    assertTrue(maxAbs(a) <= bound + 1e-6, what + " within the bound");
    assertEquals(bound / Math.sqrt(3), std(a), bound * 0.1, what + " std");
  }

  @Test
  void resnetUsesPytorchDefaults() {
    try (ZooNet net = Zoo.create("resnet18", manager, 3, 32, 32, 10)) {
      assertTorchDefault(p(net, "layer3.0.conv2.weight"), 256 * 9, "conv");
      assertTorchDefault(p(net, "linear.weight"), 512, "linear weight");
      NDArray bias = p(net, "linear.bias");
      assertTrue(maxAbs(bias) > 0 && maxAbs(bias) <= 1 / Math.sqrt(512) + 1e-6, "linear bias");
      assertEquals(1f, p(net, "bn1.weight").min().getFloat());
      assertEquals(0f, maxAbs(p(net, "bn1.bias")));
      assertEquals(0f, maxAbs(p(net, "bn1.running_mean")));
      assertEquals(1f, p(net, "bn1.running_var").min().getFloat());
    }
  }

  @Test
  void lenetUsesPytorchDefaultsForWeightsAndBiases() {
    try (ZooNet net = Zoo.create("lenet5", manager, 1, 32, 32, 10)) {
      assertTorchDefault(p(net, "features.6.weight"), 16 * 25, "conv3");
      assertTorchDefault(p(net, "features.6.bias"), 16 * 25, "conv3 bias");
      assertTorchDefault(p(net, "fc.0.weight"), 120, "fc.0");
    }
  }

  @Test
  void wideResNetUsesHeInitForConvsAndZeroFcBias() {
    try (ZooNet net = Zoo.create("wrn-40-2", manager, 3, 32, 32, 10)) {
      assertEquals(Math.sqrt(2.0 / (9 * 128)), std(p(net, "block3.layer.0.conv1.weight")), 0.002);
      // kaiming fan_out: k*k*out, which is 1*1*128 for the 1x1 shortcut
      assertEquals(Math.sqrt(2.0 / 128), std(p(net, "block3.layer.0.convShortcut.weight")), 0.01);
      assertEquals(Math.sqrt(2.0 / (9 * 16)), std(p(net, "conv1.weight")), 0.02);
      assertEquals(0f, maxAbs(p(net, "fc.bias")));
      assertTrue(maxAbs(p(net, "fc.weight")) <= 1 / Math.sqrt(128) + 1e-6);
      assertEquals(1f, p(net, "bn1.weight").min().getFloat());
    }
  }

  @Test
  void vggUsesHeConvsZeroBiasesAndSmallClassifier() {
    try (ZooNet net = Zoo.create("vgg11-bn", manager, 3, 32, 32, 10)) {
      assertEquals(Math.sqrt(2.0 / (9 * 512)), std(p(net, "block4.3.weight")), 0.001);
      assertEquals(0f, maxAbs(p(net, "block4.3.bias")));
      assertEquals(0.01, std(p(net, "classifier.weight")), 0.001);
      assertEquals(0f, maxAbs(p(net, "classifier.bias")));
    }
  }

  @Test
  void sameSeedSameNet() {
    Engine.getInstance().setRandomSeed(5);
    try (ZooNet a = Zoo.create("lenet5-half", manager, 1, 32, 32, 10)) {
      float[] wa = p(a, "fc.2.weight").toFloatArray();
      Engine.getInstance().setRandomSeed(5);
      try (ZooNet b = Zoo.create("lenet5-half", manager, 1, 32, 32, 10)) {
        assertEquals(java.util.Arrays.toString(wa), java.util.Arrays.toString(p(b, "fc.2.weight").toFloatArray()));
      }
    }
  }
}
