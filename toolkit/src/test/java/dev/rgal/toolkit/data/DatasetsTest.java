package dev.rgal.toolkit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.rgal.api.DfkdException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {
  @TempDir Path dir;

  static byte[] idxImages(int n, int rows, int cols, int magic) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(b);
    d.writeInt(magic);
    d.writeInt(n);
    d.writeInt(rows);
    d.writeInt(cols);
    for (int i = 0; i < n * rows * cols; i++) {
      d.writeByte(i % 251);
    }
    return b.toByteArray();
  }

  static byte[] idxLabels(int[] labels) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(b);
    d.writeInt(0x00000801);
    d.writeInt(labels.length);
    for (int l : labels) {
      d.writeByte(l);
    }
    return b.toByteArray();
  }

  static void write(Path p, byte[] bytes, boolean gz) throws IOException {
    try (OutputStream o = gz ? new GZIPOutputStream(Files.newOutputStream(p)) : Files.newOutputStream(p)) {
      o.write(bytes);
    }
  }

  private void tinyFashion(boolean gz) throws IOException {
    String s = gz ? ".gz" : "";
    write(dir.resolve("t10k-images-idx3-ubyte" + s), idxImages(3, 28, 28, 0x803), gz);
    write(dir.resolve("t10k-labels-idx1-ubyte" + s), idxLabels(new int[] {7, 0, 9}), gz);
  }

  @Test
  void readsGzipAndRawIdxAndPadsTo32() throws IOException {
    for (boolean gz : new boolean[] {true, false}) {
      Files.list(dir).forEach(p -> p.toFile().delete());
      tinyFashion(gz);
      ImageDataset d = Datasets.open("fashion-mnist", dir, Datasets.Split.TEST);
      assertEquals(3, d.size());
      assertEquals(32, d.height());
      assertEquals(7, d.label(0));
      byte[] img = d.image(1);
      // the second image's first pixel (value (784) % 251) sits at row 2, column 2 after padding
      assertEquals((byte) (784 % 251), img[2 * 32 + 2]);
      assertEquals(0, img[0]);
      assertEquals(0, img[31 * 32 + 31]);
    }
  }

  @Test
  void wrongMagicTruncationAndMissingFilesAreOneLineErrors() throws IOException {
    write(dir.resolve("t10k-images-idx3-ubyte"), idxImages(3, 28, 28, 0x801), false);
    write(dir.resolve("t10k-labels-idx1-ubyte"), idxLabels(new int[] {1, 2, 3}), false);
    DfkdException e = assertThrows(DfkdException.class, () -> Datasets.open("fashion-mnist", dir, Datasets.Split.TEST));
    assertTrue(e.getMessage().contains("magic number"), e.getMessage());

    byte[] full = idxImages(3, 28, 28, 0x803);
    write(dir.resolve("t10k-images-idx3-ubyte"), Arrays.copyOf(full, full.length - 10), false);
    e = assertThrows(DfkdException.class, () -> Datasets.open("fashion-mnist", dir, Datasets.Split.TEST));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());

    e = assertThrows(DfkdException.class, () -> Datasets.open("fashion-mnist", dir.resolve("nope"), Datasets.Split.TEST));
    assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist") && e.getMessage().contains("--data-dir"), e.getMessage());
    assertEquals(1, e.getMessage().lines().count());
  }

  @Test
  void readsCifar10And100BinaryAndRejectsTruncatedRecords() throws IOException {
    byte[] rec10 = new byte[2 * 3073];
    rec10[0] = 3;
    rec10[1] = 9;
    rec10[3073] = 5;
    write(dir.resolve("test_batch.bin"), rec10, false);
    ImageDataset c10 = Datasets.open("cifar10", dir, Datasets.Split.TEST);
    assertEquals(2, c10.size());
    assertEquals(3, c10.label(0));
    assertEquals(5, c10.label(1));
    assertEquals(9, c10.image(0)[0]);
    byte[] rec100 = new byte[3074];
    rec100[0] = 4;
    rec100[1] = 77;
    write(dir.resolve("test.bin"), rec100, false);
    ImageDataset c100 = Datasets.open("cifar100", dir, Datasets.Split.TEST);
    assertEquals(77, c100.label(0));
    assertEquals(100, c100.numClasses());
    write(dir.resolve("test_batch.bin"), Arrays.copyOf(rec10, 3000), false);
    assertThrows(DfkdException.class, () -> Datasets.open("cifar10", dir, Datasets.Split.TEST));
  }

  @Test
  void batchesAreFloatInUnitRange() throws IOException {
    tinyFashion(true);
    ImageDataset d = Datasets.open("fashion-mnist", dir, Datasets.Split.TEST);
    try (NDManager m = NDManager.newBaseManager()) {
      NDList b = d.batch(m, new int[] {2, 0});
      assertEquals(new ai.djl.ndarray.types.Shape(2, 1, 32, 32), b.get(0).getShape());
      assertArrayEquals(new int[] {9, 7}, b.get(1).toIntArray());
      float expected = (d.image(2)[2 * 32 + 5] & 0xff) / 255f;
      assertEquals(expected, b.get(0).getFloat(0, 0, 2, 5), 1e-6);
    }
  }

  @Test
  void realFashionMnistWhenInstalled() {
    // The README's test command installs the package, so in CI this runs on the real files.
    ImageDataset test = Datasets.open("fashion-mnist", null, Datasets.Split.TEST);
    ImageDataset train = Datasets.open("fashion-mnist", null, Datasets.Split.TRAIN);
    assertEquals(10000, test.size());
    assertEquals(60000, train.size());
    int[] hist = new int[10];
    for (int i = 0; i < test.size(); i++) {
      hist[test.label(i)]++;
    }
    for (int h : hist) {
      assertEquals(1000, h);
    }
    assertEquals(32, test.width());
  }
}
