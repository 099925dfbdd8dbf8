package dev.rgal.toolkit.data;

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
import ai.djl.training.GradientCollector;
import dev.rgal.api.DataSpec;
import dev.rgal.api.RunSpec;
import dev.rgal.api.training.DataPool;
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

  /** Image {@code i} of a batch is constant at value {@code (labels[i] + 1) / 16}. */
  private static NDArray flat(NDManager m, int[] labels) {
    float[] v = new float[labels.length * 16];
    for (int i = 0; i < v.length; i++) {
      v[i] = (labels[i / 16] + 1) / 16f;
    }
    return m.create(v, new Shape(labels.length, 1, 4, 4));
  }

  @Test
  void labelsSurviveAReopenAndTravelWithTheirImagesThroughSampling() {
    Path f = dir.resolve("labelled.bin");
    int[] y = {3, 0, 7, 7, 2, 9};
    try (NDManager m = NDManager.newBaseManager();
        InMemoryDataPool pool = InMemoryDataPool.open(f, SPEC, new RunSpec.Augmentation(1, true))) {
      pool.add(flat(m, java.util.Arrays.copyOf(y, 4)), m.create(new long[] {3, 0, 7, 7}));
      pool.add(flat(m, new int[] {2, 9}), m.create(new int[] {2, 9}));
      assertTrue(pool.hasLabels());
    }
    try (NDManager m = NDManager.newBaseManager();
        InMemoryDataPool pool = InMemoryDataPool.open(f, SPEC, new RunSpec.Augmentation(1, true))) {
      assertEquals(6, pool.size());
      assertTrue(pool.hasLabels(), "labels reloaded from the file");
      for (int i = 0; i < y.length; i++) {
        assertEquals(y[i], pool.label(i), "label of image " + i);
      }
      for (boolean paired : new boolean[] {false, true}) {
        DataPool.LabelledBatch b = pool.sampleLabelled(m, 4, paired, new Random(5));
        long[] labels = b.labels().toLongArray();
        float[] px = b.images().toFloatArray();
        assertEquals(4, labels.length);
        for (int r = 0; r < labels.length; r++) {
          // a crop by at most one pixel keeps the centre pixels of a 4x4 image
          float centre = Math.max(Math.max(px[r * 16 + 5], px[r * 16 + 6]), Math.max(px[r * 16 + 9], px[r * 16 + 10]));
          assertEquals((labels[r] + 1) / 16f, centre, 0.01f, "row " + r + " (paired " + paired + ") is an image of its label");
        }
        if (paired) {
          assertEquals(labels[0], labels[2], "the two views of a pair share the label");
          assertEquals(labels[1], labels[3]);
        }
      }
      pool.add(flat(m, new int[] {1}));
      assertFalse(pool.hasLabels(), "an image added without a label");
      assertEquals(-1, pool.label(6));
      assertThrows(IllegalStateException.class, () -> pool.sampleLabelled(m, 2, false, new Random(1)));
      pool.truncate(6);
      assertTrue(pool.hasLabels(), "truncating the unlabelled image away");
      assertThrows(IllegalArgumentException.class, () -> pool.add(flat(m, new int[] {1}), m.create(new int[] {-2})));
      assertThrows(IllegalArgumentException.class, () -> pool.add(flat(m, new int[] {1, 2}), m.create(new int[] {1})));
    }
  }

  /** A pool file written before labels existed (version 1: pixels only) still opens and grows. */
  @Test
  void aVersionOnePoolFileIsReadAndAppendedToWithoutLabels() throws IOException {
    Path f = dir.resolve("v1.bin");
    java.nio.ByteBuffer h = java.nio.ByteBuffer.allocate(24 + 2 * 16);
    h.put("RGALPOOL".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(1).putInt(1).putInt(4).putInt(4);
    for (int i = 0; i < 32; i++) {
      h.put((byte) (i < 16 ? 40 : 200));
    }
    java.nio.file.Files.write(f, h.array());
    try (NDManager m = NDManager.newBaseManager();
        InMemoryDataPool pool = InMemoryDataPool.open(f, SPEC, new RunSpec.Augmentation(0, false))) {
      assertEquals(2, pool.size());
      assertEquals(200 / 255f, pool.images(m, new int[] {1}).toFloatArray()[0], 1e-6f);
      assertFalse(pool.hasLabels());
      pool.add(flat(m, new int[] {4}), m.create(new int[] {4}));
      assertEquals(3, pool.size());
      assertFalse(pool.hasLabels(), "a version-1 file has no room for labels");
    }
    assertEquals(24 + 3 * 16, java.nio.file.Files.size(f), "appended as a version-1 record");
  }
}
