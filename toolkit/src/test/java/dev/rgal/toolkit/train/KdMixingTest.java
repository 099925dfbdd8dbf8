package dev.rgal.toolkit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.rgal.api.DfkdException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** KD-time mixing: each output image is built from its own image and one permuted partner. */
class KdMixingTest {
  /** Three 1×2×2 images whose pixels are 1s, 2s and 3s. */
  private static NDArray batch(NDManager m) {
    return m.create(new float[] {1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3}, new Shape(3, 1, 2, 2));
  }

  @Test
  void mixupIsTheConvexCombinationWithThePermutedPartner() {
    try (NDManager m = NDManager.newBaseManager()) {
      float[] out = KdMixing.mixup(batch(m), new long[] {2, 0, 1}, 0.25, m).toFloatArray();
      // image 0: 0.25·1 + 0.75·3; image 1: 0.25·2 + 0.75·1; image 2: 0.25·3 + 0.75·2
      assertArrayEquals(new float[] {2.5f, 2.5f, 2.5f, 2.5f, 1.25f, 1.25f, 1.25f, 1.25f, 2.25f, 2.25f, 2.25f, 2.25f}, out, 1e-6f);
    }
  }

  @Test
  void pasteBoxReplacesExactlyTheBoxFromThePartner() {
    try (NDManager m = NDManager.newBaseManager()) {
      // rows [0,1), columns [1,2): the top-right pixel of each image comes from its partner
      float[] out = KdMixing.pasteBox(batch(m), new long[] {1, 2, 0}, 0, 1, 1, 2, m).toFloatArray();
      assertArrayEquals(new float[] {1, 2, 1, 1, 2, 3, 2, 2, 3, 1, 3, 3}, out, 0f);
    }
  }

  @Test
  void aSeededDrawMixesIdenticallyAndNoneLeavesTheBatchAlone() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.randomUniform(0, 1, new Shape(8, 1, 8, 8));
      for (String kind : new String[] {KdMixing.MIXUP, KdMixing.CUTMIX}) {
        KdMixing mix = new KdMixing(kind, 1.0);
        float[] a = mix.apply(x, m, new Random(7)).toFloatArray();
        float[] b = mix.apply(x, m, new Random(7)).toFloatArray();
        assertArrayEquals(a, b, 0f, kind + ": same seed, same batch");
        assertNotEquals(0.0, x.sub(m.create(a, x.getShape())).abs().sum().getFloat(), 1e-6, kind + " changed the batch");
        // every mixed pixel lies between the smallest and largest input pixel
        float lo = x.min().getFloat();
        float hi = x.max().getFloat();
        for (float v : a) {
          assertTrue(v >= lo - 1e-6 && v <= hi + 1e-6, kind + " made a pixel outside the inputs' range: " + v);
        }
      }
      assertSame(x, new KdMixing(KdMixing.NONE, 1.0).apply(x, m, new Random(7)));
    }
  }

  @Test
  void anUnknownKindOrANonPositiveAlphaIsRefused() {
    assertTrue(assertThrows(DfkdException.class, () -> new KdMixing("mixdown", 1)).getMessage().contains("none, mixup or cutmix"));
    assertTrue(assertThrows(DfkdException.class, () -> new KdMixing(KdMixing.MIXUP, 0)).getMessage().contains("mixAlpha"));
  }
}
