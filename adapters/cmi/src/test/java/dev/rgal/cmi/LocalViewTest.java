package dev.rgal.cmi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The local view: crop boxes, bilinear resize, flip, differentiability. */
class LocalViewTest {
  @Test
  void wholeImageBoxIsTheIdentityAndFlipMirrors() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.arange(0f, 2 * 3 * 4 * 4).reshape(2, 3, 4, 4);
      LocalView.Box all = new LocalView.Box(0, 0, 4, 4);
      NDArray same = LocalView.resizedCrop(x, new LocalView.Box[] {all, all}, new boolean[] {false, false});
      assertArrayEquals(x.toFloatArray(), same.toFloatArray(), 1e-5f);
      NDArray flipped = LocalView.resizedCrop(x, new LocalView.Box[] {all, all}, new boolean[] {true, false});
      assertArrayEquals(x.get("0:1").flip(3).toFloatArray(), flipped.get("0:1").toFloatArray(), 1e-5f);
      assertArrayEquals(x.get("1:2").toFloatArray(), flipped.get("1:2").toFloatArray(), 1e-5f);
    }
  }

  @Test
  void aHalfSizeCropIsUpsampledBilinearly() {
    try (NDManager m = NDManager.newBaseManager()) {
      // one 4x4 channel, value = 10*row + col; crop rows 1..2, cols 2..3, upsample to 4x4
      float[] v = new float[16];
      for (int r = 0; r < 4; r++) {
        for (int c = 0; c < 4; c++) {
          v[r * 4 + c] = 10 * r + c;
        }
      }
      NDArray x = m.create(v, new Shape(1, 1, 4, 4));
      NDArray y = LocalView.resizedCrop(x, new LocalView.Box[] {new LocalView.Box(1, 2, 2, 2)}, new boolean[] {false});
      // half-pixel centres: source coords −0.25, 0.25, 0.75, 1.25 → clamped 0, 0.25, 0.75, 1
      double[] src = {0, 0.25, 0.75, 1};
      float[] out = y.toFloatArray();
      for (int r = 0; r < 4; r++) {
        for (int c = 0; c < 4; c++) {
          double expected = 10 * (1 + src[r]) + (2 + src[c]);
          assertEquals(expected, out[r * 4 + c], 1e-4, "pixel " + r + "," + c);
        }
      }
    }
  }

  @Test
  void boxesRespectTheScaleRangeAndTheViewIsDifferentiable() {
    Random random = new Random(7);
    for (int i = 0; i < 200; i++) {
      LocalView.Box b = LocalView.sampleBox(32, 32, 0.25, random);
      assertTrue(b.top() >= 0 && b.left() >= 0 && b.top() + b.height() <= 32 && b.left() + b.width() <= 32, b.toString());
      double area = b.height() * b.width() / 1024.0;
      assertTrue(area >= 0.2 && area <= 1.0, "area fraction " + area);
    }
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.randomUniform(0f, 1f, new Shape(3, 1, 8, 8));
      x.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray y = LocalView.apply(x, 0.25, new Random(1));
        assertEquals(x.getShape(), y.getShape());
        gc.backward(y.sum());
      }
      // every output pixel's four bilinear weights sum to 1, so the total gradient is N*H*W
      assertEquals(3 * 64, x.getGradient().sum().getFloat(), 1e-3);
    }
  }
}
