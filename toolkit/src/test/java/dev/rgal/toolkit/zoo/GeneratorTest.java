package dev.rgal.toolkit.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import dev.rgal.api.DfkdException;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GeneratorTest {
  static NDManager manager;

  @BeforeAll
  static void open() {
    manager = NDManager.newBaseManager();
    Engine.getInstance().setRandomSeed(3);
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  @Test
  void parameterCounts() {
    try (Generator g = Generator.builder().build(manager)) {
      assertEquals(2_328_899, NetWeights.parameterCount(g.block()));
      assertEquals("generator-nz256-ngf64-c3-32", g.architecture());
    }
    try (Generator g = Generator.builder().nz(512).build(manager)) {
      assertEquals(4_426_051, NetWeights.parameterCount(g.block()), "DAFL's nz 512 (spec 3.1)");
    }
    try (Generator g = Generator.builder().nz(256).ngf(16).channels(1).build(manager)) {
      long linear = 256L * 2048 + 2048; // Linear(256 -> 2*16*8*8) with bias
      long bn0 = 2 * 32;
      long conv1 = 32L * 32 * 9; // no bias
      long bn1 = 2 * 32;
      long conv2 = 16L * 32 * 9; // no bias
      long bn2 = 2 * 16;
      long conv3 = 1L * 16 * 9 + 1;
      assertEquals(linear + bn0 + conv1 + bn1 + conv2 + bn2 + conv3, NetWeights.parameterCount(g.block()));
      assertEquals(540_465, NetWeights.parameterCount(g.block()));
    }
  }

  @Test
  void producesImagesInTheUnitInterval() {
    try (Generator g = Generator.builder().nz(256).ngf(16).channels(1).build(manager);
        NDManager sub = manager.newSubManager()) {
      NDArray img = g.forward(sub.randomNormal(new Shape(5, 256)));
      assertEquals(new Shape(5, 1, 32, 32), img.getShape());
      assertTrue(img.min().getFloat() >= 0f && img.max().getFloat() <= 1f);
      assertTrue(img.sub(img.mean()).abs().max().getFloat() > 0f, "not constant");
      assertEquals(new Shape(5, 1, 32, 32), g.block().getOutputShapes(new Shape[] {new Shape(5, 256)})[0]);
    }
    try (Generator g = Generator.builder().imageSize(64).ngf(8).build(manager);
        NDManager sub = manager.newSubManager()) {
      assertEquals(new Shape(2, 3, 64, 64), g.forward(sub.randomNormal(new Shape(2, 256))).getShape());
    }
    assertThrows(DfkdException.class, () -> Generator.builder().imageSize(30).build(manager));
  }

  @Test
  void upsamplingIsNearestNeighbour() {
    try (NDManager sub = manager.newSubManager()) {
      NDArray x = sub.arange(4f).reshape(1, 1, 2, 2);
      NDArray up = Generator.Body.up2(x);
      assertEquals(new Shape(1, 1, 4, 4), up.getShape());
      assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3}, up.toFloatArray());
    }
  }

  @Test
  void reinitializeIsCmiStyleAndKeepsArrays() {
    try (Generator g = Generator.builder().build(manager)) {
      Parameter conv = g.stateDict().get("conv_blocks.2.weight");
      NDArray convArray = conv.getArray();
      float[] rmBefore = g.stateDict().get("conv_blocks.3.running_mean").getArray().toFloatArray();
      g.reinitialize();
      assertSame(convArray, conv.getArray());
      float std = convArray.sub(convArray.mean()).square().mean().sqrt().getFloat();
      assertEquals(0.02f, std, 0.001f);
      assertEquals(0f, convArray.mean().getFloat(), 0.001f);
      NDArray gamma = g.stateDict().get("conv_blocks.3.weight").getArray();
      assertEquals(1f, gamma.mean().getFloat(), 0.01f);
      assertTrue(gamma.sub(1f).abs().max().getFloat() > 0f, "gamma is random, not constant");
      assertEquals(0f, g.stateDict().get("conv_blocks.3.bias").getArray().abs().max().getFloat());
      assertEquals(0f, g.stateDict().get("l1.0.bias").getArray().abs().max().getFloat());
      assertEquals(0f, g.stateDict().get("conv_blocks.9.bias").getArray().abs().max().getFloat());
      // like CMI's reset_model, running statistics are not touched
      assertArrayEquals(rmBefore, g.stateDict().get("conv_blocks.3.running_mean").getArray().toFloatArray());
    }
  }

  @Test
  void copyFromMakesAnIdenticalGeneratorThatStillTrains() {
    try (Generator meta = Generator.builder().nz(16).ngf(8).build(manager);
        Generator fast = Generator.builder().nz(16).ngf(8).build(manager);
        NDManager sub = manager.newSubManager()) {
      NDArray z = sub.randomNormal(new Shape(4, 16));
      meta.forward(z); // moves running statistics
      assertFalse(Arrays.equals(meta.forward(z, false).toFloatArray(), fast.forward(z, false).toFloatArray()));
      NDArray w = fast.stateDict().get("l1.0.weight").getArray();
      fast.copyFrom(meta);
      assertSame(w, fast.stateDict().get("l1.0.weight").getArray());
      assertArrayEquals(meta.forward(z, false).toFloatArray(), fast.forward(z, false).toFloatArray());
      // copied parameters are still leaves that receive gradients
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(fast.forward(z).mean());
      }
      NDArray grad = w.getGradient();
      assertTrue(grad.abs().sum().getFloat() > 0f);
      try (Generator other = Generator.builder().nz(16).ngf(4).build(manager)) {
        assertThrows(IllegalArgumentException.class, () -> other.copyFrom(meta));
      }
    }
  }
}
