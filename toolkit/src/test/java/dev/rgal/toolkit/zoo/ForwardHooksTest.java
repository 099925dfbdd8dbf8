package dev.rgal.toolkit.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ForwardHooksTest {

  /**
   * ReLU counts worked out from the definitions: LeNet 3 conv + 1 fc; ResNet stem + 2 per
   * BasicBlock (8 or 16 blocks); WRN 2 per block ((d-4)/6 per group, 3 groups) + the head; VGG-11
   * one per conv (8).
   */
  @ParameterizedTest
  @CsvSource({"lenet5,4,1", "lenet5-half-bn,4,1", "resnet18,17,3", "resnet34,33,3", "wrn-16-1,13,3",
      "wrn-40-1,37,3", "vgg11-bn,8,3"})
  void everyWeightAndEveryReluPassesThroughTheHooks(String arch, int relus, int channels) {
    Engine.getInstance().setRandomSeed(3);
    try (NDManager m = NDManager.newBaseManager(); ZooNet net = Zoo.create(arch, m, channels, 32, 32, 10)) {
      NDArray x = m.randomNormal(new Shape(2, channels, 32, 32));
      Map<String, Shape> weights = new LinkedHashMap<>();
      List<String> sites = new ArrayList<>();
      ForwardHooks recorder = new ForwardHooks() {
        @Override
        public NDArray weight(String layer, NDArray w) {
          assertTrue(weights.put(layer, w.getShape()) == null, "weight hook called twice for " + layer);
          return w;
        }

        @Override
        public NDArray activation(String site, NDArray a) {
          sites.add(site);
          return a;
        }
      };
      float[] hooked = net.forward(x, false, recorder).logits().toFloatArray();
      float[] plain = net.forward(x, false).logits().toFloatArray();
      assertArrayEquals(plain, hooked, "identity hooks must not change the logits");

      assertEquals(relus, sites.size(), "ReLU sites of " + arch);
      assertEquals(relus, new HashSet<>(sites).size(), "ReLU site names must be distinct: " + sites);
      assertEquals(sites, net.activationSites());
      Map<String, Shape> declared = new LinkedHashMap<>();
      for (LayerDescriptor d : net.layers()) {
        assertFalse(d.kind() == LayerDescriptor.Kind.OTHER, d.toString());
        if (d.kind() != LayerDescriptor.Kind.BATCH_NORM) {
          declared.put(d.name(), d.weightShape());
        }
      }
      assertEquals(declared.keySet(), weights.keySet());
      assertEquals(declared, weights);
      long bn = net.layers().stream().filter(d -> d.kind() == LayerDescriptor.Kind.BATCH_NORM).count();
      assertEquals(net.info().bnLayers(), bn);
    }
  }

  @Test
  void hooksReplaceWeightsAndActivations() {
    Engine.getInstance().setRandomSeed(4);
    try (NDManager m = NDManager.newBaseManager(); ZooNet net = Zoo.create("lenet5-bn", m, 1, 32, 32, 10)) {
      NDArray x = m.randomNormal(new Shape(3, 1, 32, 32));
      float[] bias = net.stateDict().get("fc.2.bias").getArray().toFloatArray();
      // a zero classifier weight leaves only its bias
      float[] zeroWeight = net.forward(x, false, new ForwardHooks() {
        @Override
        public NDArray weight(String layer, NDArray w) {
          return layer.equals("fc.2") ? w.zerosLike() : w;
        }
      }).logits().toFloatArray();
      // a zero input to the classifier (the fc ReLU's output) does the same
      float[] zeroActivation = net.forward(x, false, new ForwardHooks() {
        @Override
        public NDArray activation(String site, NDArray a) {
          return site.equals("fc.1") ? a.zerosLike() : a;
        }
      }).logits().toFloatArray();
      for (int i = 0; i < 3; i++) {
        for (int k = 0; k < 10; k++) {
          assertEquals(bias[k], zeroWeight[i * 10 + k], 1e-6f);
          assertEquals(bias[k], zeroActivation[i * 10 + k], 1e-6f);
        }
      }
      assertEquals(List.of("features.2", "features.6", "features.10", "fc.1"), net.activationSites());
    }
  }
}
