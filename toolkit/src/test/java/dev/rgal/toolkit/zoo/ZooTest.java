package dev.rgal.toolkit.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.rgal.api.DfkdException;
import dev.rgal.api.model.Features;
import dev.rgal.api.model.NetInfo;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ZooTest {
  static NDManager manager;

  @BeforeAll
  static void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  @ParameterizedTest(name = "{0} ({1} ch, K={2}) has {3} parameters")
  @CsvSource({
      "resnet18, 3, 10, 11173962",
      "resnet18, 3, 100, 11220132",
      "resnet34, 3, 10, 21282122",
      "resnet34, 3, 100, 21328292",
      "wrn-40-2, 3, 10, 2243546",
      "wrn-40-2, 3, 100, 2255156",
      "wrn-40-1, 3, 10, 563930",
      "wrn-40-1, 3, 100, 569780",
      "wrn-16-2, 3, 10, 691674",
      "wrn-16-2, 3, 100, 703284",
      "wrn-16-1, 3, 10, 175066",
      "wrn-16-1, 3, 100, 180916",
      "vgg11-bn, 3, 10, 9231114",
      "vgg11-bn, 3, 100, 9277284",
      "lenet5, 1, 10, 61706",
      "lenet5-half, 1, 10, 15738",
      "lenet5-bn, 1, 10, 61990",
      "lenet5-half-bn, 1, 10, 15880",
  })
  void parameterCountsMatchTheSpec(String name, int channels, int classes, long expected) {
    try (ZooNet net = Zoo.create(name, manager, channels, 32, 32, classes)) {
      assertEquals(expected, NetWeights.parameterCount(net));
      // frozen parameters still count; running statistics never do
      net.block().freezeParameters(true);
      assertEquals(expected, NetWeights.parameterCount(net));
    }
  }

  @ParameterizedTest(name = "{0}: pooled {1}, {2} BN layers, stages {3}")
  @CsvSource(delimiter = ';', value = {
      "resnet18; 3; 512; 20; 64x32x32 128x16x16 256x8x8 512x4x4",
      "resnet34; 3; 512; 36; 64x32x32 128x16x16 256x8x8 512x4x4",
      "wrn-40-2; 3; 128; 37; 32x32x32 64x16x16 128x8x8",
      "wrn-40-1; 3; 64; 37; 16x32x32 32x16x16 64x8x8",
      "wrn-16-2; 3; 128; 13; 32x32x32 64x16x16 128x8x8",
      "wrn-16-1; 3; 64; 13; 16x32x32 32x16x16 64x8x8",
      "vgg11-bn; 3; 512; 8; 64x16x16 128x8x8 256x4x4 512x4x4 512x4x4",
      "lenet5; 1; 120; 0; 6x14x14 16x5x5 120x1x1",
      "lenet5-half; 1; 60; 0; 3x14x14 8x5x5 60x1x1",
      "lenet5-bn; 1; 120; 3; 6x14x14 16x5x5 120x1x1",
      "lenet5-half-bn; 1; 60; 3; 3x14x14 8x5x5 60x1x1",
  })
  void forwardShapesMatchInfo(String name, int channels, long pooled, int bnLayers, String stages) {
    try (ZooNet net = Zoo.create(name, manager, channels, 32, 32, 7);
        NDManager sub = manager.newSubManager()) {
      NetInfo info = net.info();
      assertEquals(name, info.architecture());
      assertEquals(pooled, info.pooledDim());
      assertEquals(bnLayers, info.bnLayers());
      String[] expected = stages.split(" ");
      assertEquals(expected.length, info.stageChannels().size());
      NDArray x = sub.randomNormal(new Shape(2, channels, 32, 32));
      for (Features f : List.of(net.forward(x, false), net.forwardWithBnStatistics(x, true))) {
        assertEquals(new Shape(2, 7), f.logits().getShape());
        assertEquals(new Shape(2, pooled), f.pooled().getShape());
        assertEquals(expected.length, f.stages().size());
        for (int i = 0; i < expected.length; i++) {
          Shape s = f.stages().get(i).getShape();
          assertEquals(expected[i], s.get(1) + "x" + s.get(2) + "x" + s.get(3), "stage " + i);
          assertEquals(2, s.get(0));
          assertEquals(info.stageChannels().get(i), s.get(1));
          assertEquals(net.stageShapes().get(i), s.slice(1));
        }
        assertTrue(f.logits().isInfinite().logicalNot().all().getBoolean(), "finite logits");
      }
      assertEquals(0, net.forward(x, false).bnStatistics().size(), "plain forward captures nothing");
      assertEquals(bnLayers, net.forwardWithBnStatistics(x, false).bnStatistics().size());
      // the DJL forward of the block exposes the same list: logits first
      Shape[] outShapes = net.block().getOutputShapes(new Shape[] {x.getShape()});
      assertEquals(new Shape(2, 7), outShapes[0]);
      assertEquals(2 + expected.length, outShapes.length);
    }
  }

  @Test
  void otherInputSizesAndChannelsWork() {
    try (ZooNet net = Zoo.create("resnet18", manager, 1, 28, 28, 5);
        NDManager sub = manager.newSubManager()) {
      Features f = net.forward(sub.randomNormal(new Shape(1, 1, 28, 28)), false);
      assertEquals(new Shape(1, 5), f.logits().getShape());
      assertEquals(new Shape(1, 512, 4, 4), f.stages().get(3).getShape());
    }
    try (ZooNet net = Zoo.create("vgg11-bn", manager, 3, 64, 64, 10)) {
      // block 3 is pooled only for 64-pixel inputs
      assertEquals(List.of(new Shape(64, 32, 32), new Shape(128, 16, 16), new Shape(256, 8, 8),
          new Shape(512, 4, 4), new Shape(512, 4, 4)), net.stageShapes());
    }
  }

  @Test
  void unknownArchitectureListsTheKnownNames() {
    DfkdException e = assertThrows(DfkdException.class, () -> Zoo.factory("resnet50"));
    assertTrue(e.getMessage().contains("resnet50"), e.getMessage());
    for (String n : Zoo.names()) {
      assertTrue(e.getMessage().contains(n), e.getMessage());
    }
    assertTrue(!e.getMessage().contains("\n"));
    assertThrows(DfkdException.class, () -> Zoo.create("nope", manager, 3, 32, 32, 10));
  }

  @Test
  void badShapesAreUserErrors() {
    DfkdException e = assertThrows(DfkdException.class, () -> Zoo.create("lenet5", manager, 1, 28, 28, 10));
    assertTrue(e.getMessage().contains("32x32"), e.getMessage());
    assertThrows(DfkdException.class, () -> Zoo.create("wrn-16-1", manager, 0, 32, 32, 10));
    assertThrows(DfkdException.class, () -> Zoo.create("wrn-16-1", manager, 3, 4, 4, 10));
  }

  @Test
  void factoriesCoverEveryNameAndBuildTheNamedArchitecture() {
    assertEquals(Zoo.names(), List.copyOf(Zoo.factories().keySet()));
    assertEquals(11, Zoo.names().size());
    try (var net = Zoo.factory("wrn-16-1").create(manager, 3, 32, 32, 10)) {
      assertEquals("wrn-16-1", net.info().architecture());
      assertEquals(175066, NetWeights.parameterCount(net));
    }
  }

  @Test
  void closingTheNetFreesItsParameters() {
    ZooNet net = Zoo.create("lenet5", manager, 1, 32, 32, 10);
    NDArray w = net.stateDict().get("features.0.weight").getArray();
    net.close();
    assertTrue(w.isReleased());
  }

  @Test
  void djlForwardOfTheBlockReturnsLogitsPooledAndStages() {
    try (ZooNet net = Zoo.create("wrn-16-1", manager, 3, 32, 32, 10);
        NDManager sub = manager.newSubManager()) {
      NDArray x = sub.randomNormal(new Shape(2, 3, 32, 32));
      ai.djl.ndarray.NDList out = net.block().forward(
          new ai.djl.training.ParameterStore(sub, false), new ai.djl.ndarray.NDList(x), false);
      assertEquals(5, out.size());
      Features f = net.forward(x, false);
      assertEquals(0f, out.get(0).sub(f.logits()).abs().max().getFloat());
      assertEquals(new Shape(2, 64), out.get(1).getShape());
      assertEquals(new Shape(2, 64, 8, 8), out.get(4).getShape());
      // results belong to the input's manager, not the net's
      assertEquals(sub, f.logits().getManager());
    }
  }
}
