package dev.rgal.toolkit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.rgal.api.DataSpec;
import dev.rgal.api.RunSpec;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AugmentAndPoolTest {
  @TempDir Path dir;
  private static final DataSpec SPEC = new DataSpec("t", 1, 4, 4, 10, List.of(0.0), List.of(1.0));

  private static NDArray ramp(NDManager m, int n) {
    float[] v = new float[n * 16];
    for (int i = 0; i < v.length; i++) {
      v[i] = (i % 16) / 32f + (i / 16) * 0.08f;
    }
    return m.create(v, new Shape(n, 1, 4, 4));
  }

  @Test
  void cropAndFlipMatchesAPerSampleReference() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = ramp(m, 5);
      float[] in = x.toFloatArray();
      NDArray y = BatchAugment.cropAndFlip(x, 1, true, new Random(3));
      float[] out = y.toFloatArray();
      // replay the same draws
      Random r = new Random(3);
      for (int n = 0; n < 5; n++) {
        int oy = r.nextInt(3);
        int ox = r.nextInt(3);
        boolean f = r.nextBoolean();
        for (int i = 0; i < 4; i++) {
          for (int j = 0; j < 4; j++) {
            int jj = f ? 3 - j : j;
            int sy = oy + i - 1;
            int sx = ox + jj - 1;
            float expected = sy < 0 || sy > 3 || sx < 0 || sx > 3 ? 0f : in[n * 16 + sy * 4 + sx];
            assertEquals(expected, out[n * 16 + i * 4 + j], 0f, "sample " + n + " at " + i + "," + j);
          }
        }
      }
    }
  }

  @Test
  void augmentationIsDifferentiable() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = ramp(m, 2);
      x.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(BatchAugment.cropAndFlip(x, 2, true, new Random(1)).sum());
      }
      assertTrue(x.getGradient().sum().getFloat() > 0);
    }
  }

  @Test
  void quantisationTruncatesLikeThePngPool() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray q = InMemoryDataPool.quantize(m.create(new float[] {0.9999f, 1f, -0.1f, 0.5f, 1.7f}));
      assertArrayEquals(new byte[] {(byte) 254, (byte) 255, 0, 127, (byte) 255}, q.toByteArray());
    }
  }

  @Test
  void pairedViewsComeFromTheSameImages() {
    try (NDManager m = NDManager.newBaseManager();
        InMemoryDataPool pool = InMemoryDataPool.open(dir.resolve("p.bin"), SPEC, new RunSpec.Augmentation(0, false))) {
      pool.add(ramp(m, 6));
      NDArray v = pool.samplePaired(m, 4, new Random(5));
      assertEquals(8, v.getShape().get(0));
      for (int i = 0; i < 4; i++) {
        assertArrayEquals(v.get(i).toFloatArray(), v.get(i + 4).toFloatArray(), 0f);
      }
      NDArray b = pool.sample(m, 6, new Random(1));
      // six distinct images: every stored image exactly once
      java.util.Set<Float> firsts = new java.util.HashSet<>();
      for (int i = 0; i < 6; i++) {
        firsts.add(b.get(i).toFloatArray()[0]);
      }
      assertEquals(6, firsts.size());
    }
  }

  /** Batches are gathered through one reused staging buffer; an earlier batch must not change. */
  @Test
  void anEarlierBatchKeepsItsValuesWhenTheNextIsGathered() {
    try (NDManager m = NDManager.newBaseManager();
        InMemoryDataPool pool = InMemoryDataPool.open(dir.resolve("s.bin"), SPEC, new RunSpec.Augmentation(0, false))) {
      NDArray stored = ramp(m, 6);
      pool.add(stored);
      NDArray first = pool.images(m, new int[] {0, 1});
      float[] before = first.toFloatArray();
      NDArray second = pool.images(m, new int[] {5, 4, 3});
      assertArrayEquals(before, first.toFloatArray(), 0f);
      float[] quantised = InMemoryDataPool.quantize(stored).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).div(255f).toFloatArray();
      float[] got = second.toFloatArray();
      for (int k = 0; k < 16; k++) {
        assertEquals(quantised[5 * 16 + k], got[k], 1e-6f, "image 5 first in the second batch");
      }
    }
  }

  @Test
  void poolPersistsAndIgnoresATruncatedTrailingRecord() throws IOException {
    Path f = dir.resolve("pool.bin");
    float[] stored;
    try (NDManager m = NDManager.newBaseManager();
        InMemoryDataPool pool = InMemoryDataPool.open(f, SPEC, new RunSpec.Augmentation(0, false))) {
      pool.add(ramp(m, 3));
      pool.add(ramp(m, 2));
      stored = pool.images(m, new int[] {0, 1, 2, 3, 4}).toFloatArray().clone();
    }
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() - 5); // a crash in the middle of the last record
    }
    try (NDManager m = NDManager.newBaseManager();
        InMemoryDataPool pool = InMemoryDataPool.open(f, SPEC, new RunSpec.Augmentation(0, false))) {
      assertEquals(4, pool.size());
      float[] again = pool.images(m, new int[] {0, 1, 2, 3}).toFloatArray();
      assertArrayEquals(java.util.Arrays.copyOf(stored, 64), again, 0f);
      pool.truncate(2);
      assertEquals(2, pool.size());
    }
    try (InMemoryDataPool pool = InMemoryDataPool.open(f, SPEC, new RunSpec.Augmentation(0, false))) {
      assertEquals(2, pool.size());
      assertNotEquals(0, pool.size());
    }
  }
}
