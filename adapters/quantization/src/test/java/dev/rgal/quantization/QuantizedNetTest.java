package dev.rgal.quantization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import dev.rgal.api.DfkdException;
import dev.rgal.api.model.FeatureNet;
import dev.rgal.api.model.Features;
import dev.rgal.api.model.NetInfo;
import dev.rgal.toolkit.zoo.ForwardHooks;
import dev.rgal.toolkit.zoo.Zoo;
import dev.rgal.toolkit.zoo.ZooNet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QuantizedNetTest {

  static Map<String, float[]> snapshot(ZooNet net) {
    Map<String, float[]> out = new LinkedHashMap<>();
    net.stateDict().forEach((k, p) -> out.put(k, p.getArray().toFloatArray()));
    return out;
  }

  static void assertBitIdentical(Map<String, float[]> a, Map<String, float[]> b) {
    assertEquals(a.keySet(), b.keySet());
    a.forEach((k, v) -> {
      float[] w = b.get(k);
      for (int i = 0; i < v.length; i++) {
        assertEquals(Float.floatToIntBits(v[i]), Float.floatToIntBits(w[i]), k + "[" + i + "]");
      }
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"lenet5", "lenet5-half", "lenet5-bn", "lenet5-half-bn", "resnet18", "resnet34", "wrn-16-1",
      "wrn-16-2", "wrn-40-1", "wrn-40-2", "vgg11-bn"})
  void everyZooArchitectureQuantizesWithTheTeachersShapes(String arch) {
    Engine.getInstance().setRandomSeed(1);
    int c = arch.startsWith("lenet") ? 1 : 3;
    try (NDManager m = NDManager.newBaseManager(); ZooNet teacher = Zoo.create(arch, m, c, 32, 32, 10);
        QuantizedNet q = QuantizedNet.of(teacher, QuantizationConfig.gdfq(BitWidths.parse("w4a4")), m)) {
      NDArray x = m.randomNormal(new Shape(2, c, 32, 32));
      Calibration.calibrate(q, List.of(x));
      Features t = teacher.forward(x, false);
      Features f = q.forward(x, false);
      assertEquals(t.logits().getShape(), f.logits().getShape());
      assertEquals(t.pooled().getShape(), f.pooled().getShape());
      assertEquals(t.stages().size(), f.stages().size());
      for (int i = 0; i < t.stages().size(); i++) {
        assertEquals(t.stages().get(i).getShape(), f.stages().get(i).getShape());
      }
      long convsAndDense = teacher.layers().stream().filter(d -> d.kind() != dev.rgal.toolkit.zoo.LayerDescriptor.Kind.BATCH_NORM).count();
      assertEquals(convsAndDense, q.weightQuantizers().size(), "every conv/linear layer quantized");
      assertEquals(teacher.activationSites(), List.copyOf(q.activationQuantizers().keySet()), "a quantizer after every ReLU");
      assertNotEquals(t.logits().toFloatArray()[0], f.logits().toFloatArray()[0], "W4A4 changes the logits");
    }
  }

  @Test
  void fullPrecisionWidthsReproduceTheTeacherBitForBit() {
    Engine.getInstance().setRandomSeed(2);
    try (NDManager m = NDManager.newBaseManager(); ZooNet teacher = Zoo.create("lenet5-bn", m, 1, 32, 32, 10);
        QuantizedNet q = QuantizedNet.of(teacher, QuantizationConfig.gdfq(BitWidths.parse("w32a32")), m)) {
      NDArray x = m.randomNormal(new Shape(4, 1, 32, 32));
      assertTrue(q.weightQuantizers().isEmpty());
      assertTrue(q.activationQuantizers().isEmpty());
      assertArrayEquals(teacher.forward(x, false).logits().toFloatArray(), q.forward(x, false).logits().toFloatArray());
    }
  }

  @Test
  void weightOnlyQuantizationEqualsTheNetWithDequantizedWeightsAndItsGradientReachesTheShadowWeights() {
    Engine.getInstance().setRandomSeed(3);
    try (NDManager m = NDManager.newBaseManager(); ZooNet teacher = Zoo.create("lenet5-bn", m, 1, 32, 32, 10);
        QuantizedNet q = QuantizedNet.of(teacher, QuantizationConfig.gdfq(BitWidths.parse("w4a32")), m);
        ZooNet reference = Zoo.create("lenet5-bn", m, 1, 32, 32, 10)) {
      // the reference: the teacher's values with every weight replaced by its quantized values
      // computed in Java from the exported integers
      Map<String, float[]> values = snapshot(teacher);
      for (QuantizedTensor t : q.exportWeights()) {
        values.put(t.layer() + ".weight", t.dequantize());
      }
      values.forEach((k, v) -> reference.stateDict().get(k).getArray().set(v));
      NDArray x = m.randomNormal(new Shape(5, 1, 32, 32));
      assertArrayEquals(reference.forward(x, false).logits().toFloatArray(), q.forward(x, false).logits().toFloatArray());

      // identity STE: the shadow weight gets exactly the gradient of the quantized weight
      Parameter shadow = q.net().stateDict().get("features.4.weight");
      Parameter quantized = reference.stateDict().get("features.4.weight");
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(q.forward(x, false).logits().square().sum());
      }
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(reference.forward(x, false).logits().square().sum());
      }
      float[] g = shadow.getArray().getGradient().toFloatArray();
      assertArrayEquals(quantized.getArray().getGradient().toFloatArray(), g);
      assertTrue(Math.abs(g[0]) + Math.abs(g[1]) > 0);
    }
  }

  @Test
  void ends8PutsTheFirstAndLastLayerAndTheClassifierInputAt8Bits() {
    Engine.getInstance().setRandomSeed(4);
    try (NDManager m = NDManager.newBaseManager(); ZooNet teacher = Zoo.create("lenet5-bn", m, 1, 32, 32, 10);
        QuantizedNet ends = QuantizedNet.of(teacher, QuantizationConfig.gdfq(BitWidths.parse("w3a2")).withPolicy(LayerPolicy.ENDS_8), m);
        QuantizedNet all = QuantizedNet.of(teacher, QuantizationConfig.gdfq(BitWidths.parse("w3a2")), m);
        ZooNet resnet = Zoo.create("resnet18", m, 3, 32, 32, 10);
        QuantizedNet res = QuantizedNet.of(resnet, QuantizationConfig.gdfq(BitWidths.parse("w4a4")).withPolicy(LayerPolicy.ENDS_8), m)) {
      assertEquals(Map.of("features.0", 8, "features.4", 3, "features.8", 3, "fc.0", 3, "fc.2", 8), ends.weightBits());
      List<Integer> act = new ArrayList<>();
      ends.activationQuantizers().values().forEach(a -> act.add(a.bits()));
      assertEquals(List.of(2, 2, 2, 8), act);
      assertEquals(Map.of("features.0", 3, "features.4", 3, "features.8", 3, "fc.0", 3, "fc.2", 3), all.weightBits());
      Map<String, Integer> rb = res.weightBits();
      assertEquals(8, rb.get("conv1"));
      assertEquals(8, rb.get("linear"));
      assertEquals(4, rb.get("layer1.0.conv1"));
      assertEquals(4, rb.get("layer4.1.conv2"));
      assertEquals(8, res.activationQuantizers().get("layer4.1.relu2").bits());
      assertEquals(4, res.activationQuantizers().get("layer4.1.relu1").bits());
    }
  }

  @Test
  void evalStatisticsModeNeverUsesOrUpdatesBatchStatistics() {
    Engine.getInstance().setRandomSeed(5);
    try (NDManager m = NDManager.newBaseManager(); ZooNet teacher = Zoo.create("lenet5-bn", m, 1, 32, 32, 10);
        QuantizedNet eval = QuantizedNet.of(teacher, QuantizationConfig.gdfq(BitWidths.parse("w4a4")), m);
        QuantizedNet batch = QuantizedNet.of(teacher,
            QuantizationConfig.gdfq(BitWidths.parse("w4a4")).withBnMode(BnMode.BATCH_STATISTICS), m)) {
      NDArray x = m.randomNormal(new Shape(8, 1, 32, 32)).mul(2).add(1);
      Calibration.calibrate(eval, List.of(x));
      Calibration.calibrate(batch, List.of(x));
      float[] mean = teacher.stateDict().get("features.1.running_mean").getArray().toFloatArray();
      assertArrayEquals(eval.forward(x, false).logits().toFloatArray(), eval.forward(x, true).logits().toFloatArray());
      assertArrayEquals(mean, eval.net().stateDict().get("features.1.running_mean").getArray().toFloatArray());
      assertFalse(java.util.Arrays.equals(batch.forward(x, false).logits().toFloatArray(),
          batch.forward(x, true).logits().toFloatArray()));
      assertFalse(java.util.Arrays.equals(mean, batch.net().stateDict().get("features.1.running_mean").getArray().toFloatArray()));
      assertArrayEquals(mean, teacher.stateDict().get("features.1.running_mean").getArray().toFloatArray());
    }
  }

  @Test
  void theTeacherStaysBitIdenticalThroughCalibrationAndQat() {
    Engine.getInstance().setRandomSeed(6);
    try (NDManager m = NDManager.newBaseManager(); ZooNet teacher = Zoo.create("lenet5-bn", m, 1, 32, 32, 10)) {
      Map<String, float[]> before = snapshot(teacher);
      try (QuantizedNet q = QuantizedNet.of(teacher, QuantizationConfig.gdfq(BitWidths.parse("w4a4"))
              .withBnMode(BnMode.BATCH_STATISTICS), m)) {
        NDArray x = m.randomNormal(new Shape(16, 1, 32, 32));
        Calibration.calibrate(q, List.of(x));
        try (QatKdStep step = new QatKdStep(teacher, q,
            QatKdStep.Options.gdfq().withOptimizer(QatKdStep.Optimizer.SGD, 0.5), m)) {
          for (int i = 0; i < 3; i++) {
            step.step(x, null);
          }
        }
        Map<String, float[]> copy = snapshot(q.net());
        assertFalse(java.util.Arrays.equals(before.get("features.0.weight"), copy.get("features.0.weight")),
            "QAT moved the copy's weights");
        assertFalse(java.util.Arrays.equals(before.get("features.1.running_mean"), copy.get("features.1.running_mean")),
            "batch-statistics mode moved the copy's running mean");
      }
      assertBitIdentical(before, snapshot(teacher));
    }
  }

  @Test
  void forwardsAndQatStepsLeaveNoArrayInTheNetsOrTheCallersManager() {
    Engine.getInstance().setRandomSeed(12);
    try (NDManager root = NDManager.newBaseManager(); ZooNet teacher = Zoo.create("lenet5-bn", root, 1, 32, 32, 10);
        QuantizedNet q = QuantizedNet.of(teacher, QuantizationConfig.gdfq(BitWidths.parse("w4a4")), root)) {
      try (NDManager m = root.newSubManager()) {
        Calibration.calibrate(q, List.of(m.randomNormal(new Shape(8, 1, 32, 32))));
      }
      try (QatKdStep step = new QatKdStep(teacher, q, QatKdStep.Options.gdfq(), root)) {
        int[] counts = new int[3];
        for (int i = 0; i < 20; i++) {
          try (NDManager m = root.newSubManager()) {
            NDArray x = m.randomNormal(new Shape(8, 1, 32, 32));
            step.step(x, null);
            q.forward(x, false).logits().toFloatArray();
          }
          int[] now = {root.getManagedArrays().size(), q.net().manager().getManagedArrays().size(),
              teacher.manager().getManagedArrays().size()};
          if (i == 0) {
            counts = now; // after the first step: the optimiser's momentum buffers exist
          } else {
            assertArrayEquals(counts, now, "step " + i);
          }
        }
      }
    }
  }

  @Test
  void aQatStepResumedFromSavedStateContinuesExactly() throws java.io.IOException {
    for (QatKdStep.Optimizer opt : QatKdStep.Optimizer.values()) {
      Engine.getInstance().setRandomSeed(13);
      try (NDManager m = NDManager.newBaseManager(); ZooNet teacher = Zoo.create("lenet5-bn", m, 1, 32, 32, 10)) {
        List<NDArray> batches = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          batches.add(m.randomNormal(new Shape(8, 1, 32, 32)));
        }
        QatKdStep.Options o = QatKdStep.Options.gdfq().withOptimizer(opt, 1e-2);
        QuantizationConfig c = QuantizationConfig.gdfq(BitWidths.parse("w4a4"));
        try (QuantizedNet straight = QuantizedNet.of(teacher, c, m); QuantizedNet resumed = QuantizedNet.of(teacher, c, m)) {
          Calibration.calibrate(straight, batches.subList(0, 1));
          Calibration.calibrate(resumed, batches.subList(0, 1));
          try (QatKdStep a = new QatKdStep(teacher, straight, o, m)) {
            batches.forEach(x -> a.step(x, null));
          }
          java.io.ByteArrayOutputStream state = new java.io.ByteArrayOutputStream();
          Map<String, float[]> weights;
          try (QatKdStep b = new QatKdStep(teacher, resumed, o, m)) {
            batches.subList(0, 3).forEach(x -> b.step(x, null));
            b.saveState(new java.io.DataOutputStream(state));
            weights = snapshot(resumed.net());
          }
          // the weights as saved, a new optimiser that loads the state, the remaining batches
          weights.forEach((k, v) -> resumed.net().stateDict().get(k).getArray().set(v));
          try (QatKdStep b = new QatKdStep(teacher, resumed, o, m)) {
            b.loadState(new java.io.DataInputStream(new java.io.ByteArrayInputStream(state.toByteArray())));
            batches.subList(3, 5).forEach(x -> b.step(x, null));
          }
          assertBitIdentical(snapshot(straight.net()), snapshot(resumed.net()));
        }
      }
    }
  }

  @Test
  void calibratedRangesAreTheExtremesOfTheReluOutputs() {
    Engine.getInstance().setRandomSeed(7);
    try (NDManager m = NDManager.newBaseManager(); ZooNet teacher = Zoo.create("lenet5-bn", m, 1, 32, 32, 10);
        QuantizedNet q = QuantizedNet.of(teacher, QuantizationConfig.gdfq(BitWidths.parse("w32a4"))
            .withEstimator(RangeEstimator.MIN_MAX), m)) {
      List<NDArray> batches = List.of(m.randomNormal(new Shape(4, 1, 32, 32)), m.randomNormal(new Shape(4, 1, 32, 32)).mul(3));
      // the first ReLU sees full-precision inputs, so its range is the teacher's extremes there
      float[] high = {Float.NEGATIVE_INFINITY};
      for (NDArray x : batches) {
        teacher.forward(x, false, new ForwardHooks() {
          @Override
          public NDArray activation(String site, NDArray a) {
            if (site.equals("features.2")) {
              high[0] = Math.max(high[0], a.max().getFloat());
            }
            return a;
          }
        });
      }
      CalibrationTable table = Calibration.calibrate(q, batches);
      assertEquals(4, table.rows().size());
      CalibrationTable.Row first = table.rows().get(0);
      assertEquals("features.2", first.site());
      assertEquals(0.0, first.low());
      assertEquals(high[0], first.high(), 0.0);
      assertEquals(2, first.updates());
      assertTrue(q.rangesFrozen());
      String csv = table.toCsv();
      assertTrue(csv.startsWith("site,bits,estimator,updates,low,high\nfeatures.2,4,min-max,2,"), csv);
      assertEquals(5, csv.split("\n").length);
      assertTrue(table.toJson().contains("\"site\": \"fc.1\""));
      assertThrows(DfkdException.class, () -> Calibration.calibrate(q, List.of()));
    }
  }

  @Test
  void aNetThatIsNotAZooNetIsRefusedInOneLine() {
    try (NDManager m = NDManager.newBaseManager(); ZooNet inner = Zoo.create("lenet5", m, 1, 32, 32, 10)) {
      FeatureNet foreign = new FeatureNet() {
        @Override
        public NetInfo info() {
          return new NetInfo("custom-net", 1, 32, 32, 10, 120, List.of(6L, 16L, 120L), 0);
        }

        @Override
        public Block block() {
          return inner.block();
        }

        @Override
        public Features forward(NDArray x, boolean training) {
          return inner.forward(x, training);
        }

        @Override
        public Features forwardWithBnStatistics(NDArray x, boolean training) {
          return inner.forwardWithBnStatistics(x, training);
        }

        @Override
        public void close() {}
      };
      DfkdException e = assertThrows(DfkdException.class,
          () -> QuantizedNet.of(foreign, QuantizationConfig.gdfq(BitWidths.parse("w4a4")), m));
      assertTrue(e.getMessage().contains("custom-net") && !e.getMessage().contains("\n"), e.getMessage());
    }
  }
}
