package dev.rgal.quantization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.rgal.api.DfkdException;
import dev.rgal.toolkit.graph.NoGrad;
import dev.rgal.toolkit.zoo.Zoo;
import dev.rgal.toolkit.zoo.ZooNet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BnRangesTest {
  @Test
  void eachArchitectureNamesTheBatchNormRightBeforeAReluAndNoneAfterASum() {
    try (NDManager m = NDManager.newBaseManager()) {
      try (ZooNet lenet = Zoo.create("lenet5-bn", m, 1, 32, 32, 10)) {
        assertEquals(Map.of("features.2", "features.1", "features.6", "features.5", "features.10", "features.9"),
            lenet.batchNormBeforeActivation());
        assertTrue(lenet.activationSites().contains("fc.1"), "fc.1's ReLU is a site without a BN");
      }
      try (ZooNet plain = Zoo.create("lenet5", m, 1, 32, 32, 10)) {
        assertTrue(plain.batchNormBeforeActivation().isEmpty());
      }
      try (ZooNet resnet = Zoo.create("resnet18", m, 3, 32, 32, 10)) {
        Map<String, String> bn = resnet.batchNormBeforeActivation();
        assertEquals("bn1", bn.get("relu"));
        assertEquals("layer1.0.bn1", bn.get("layer1.0.relu1"));
        assertTrue(!bn.containsKey("layer1.0.relu2"), "the ReLU after the residual sum has no BN of its own");
      }
    }
  }

  @Test
  void theRangeIsZeroToTheLargestBetaPlusMTimesAbsGamma() {
    Engine.getInstance().setRandomSeed(3);
    try (NDManager m = NDManager.newBaseManager(); ZooNet teacher = Zoo.create("lenet5-bn", m, 1, 32, 32, 10)) {
      // hand-set gamma and beta of the first BN (6 channels): max(beta + 2|gamma|) = 0.5 + 2·1.5 = 3.5 (channel 4)
      float[] gamma = {0.1f, -0.2f, 1f, 0.3f, -1.5f, 0.2f};
      float[] beta = {0.3f, 1f, -2f, 0f, 0.5f, 2.5f};
      NoGrad.run(() -> {
        teacher.stateDict().get("features.1.weight").getArray().set(gamma);
        teacher.stateDict().get("features.1.bias").getArray().set(beta);
      });
      try (QuantizedNet q = QuantizedNet.of(teacher, QuantizationConfig.gdfq(BitWidths.parse("w4a4")), m)) {
        CalibrationTable t = BnRanges.apply(q, 2.0, 6.0);
        CalibrationTable.Row first = t.rows().get(0);
        assertEquals("features.2", first.site());
        assertEquals("bn", first.estimator());
        assertEquals(0.0, first.low());
        assertEquals(3.5, first.high(), 1e-6);
        CalibrationTable.Row fc = t.rows().get(3);
        assertEquals("fc.1", fc.site());
        assertEquals("fixed", fc.estimator());
        assertEquals(6.0, fc.high());
        assertTrue(q.rangesFrozen());
        assertEquals(3.5, q.activationQuantizers().get("features.2").range()[1], 1e-6);
      }
    }
  }

  @Test
  void aReluWithoutBatchNormIsRefusedWithTheFixWhenNoFixedRangeIsGiven() {
    try (NDManager m = NDManager.newBaseManager(); ZooNet teacher = Zoo.create("lenet5-bn", m, 1, 32, 32, 10);
        QuantizedNet q = QuantizedNet.of(teacher, QuantizationConfig.gdfq(BitWidths.parse("w4a4")), m)) {
      DfkdException e = assertThrows(DfkdException.class, () -> BnRanges.apply(q, 3.0, null));
      assertTrue(e.getMessage().contains("fc.1") && e.getMessage().contains("w4a32") && e.getMessage().contains("fixedRange"),
          e.getMessage());
    }
    try (NDManager m = NDManager.newBaseManager(); ZooNet teacher = Zoo.create("lenet5-bn", m, 1, 32, 32, 10);
        QuantizedNet weightsOnly = QuantizedNet.of(teacher, QuantizationConfig.gdfq(BitWidths.parse("w4a32")), m)) {
      assertEquals(List.of(), BnRanges.apply(weightsOnly, 3.0, null).rows(), "no activation quantizer, nothing to range");
    }
  }
}
