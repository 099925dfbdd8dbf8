package dev.rgal.toolkit.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.rgal.api.DfkdException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetWeightsTest {
  static NDManager manager;
  @TempDir Path dir;

  @BeforeAll
  static void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  static float[] logits(ZooNet net, NDArray x) {
    return net.forward(x, false).logits().toFloatArray();
  }

  @Test
  void roundTripGivesIdenticalLogitsAndKeepsArrayIdentity() throws IOException {
    try (ZooNet a = Zoo.create("wrn-16-1", manager, 3, 32, 32, 10);
        ZooNet b = Zoo.create("wrn-16-1", manager, 3, 32, 32, 10);
        NDManager sub = manager.newSubManager()) {
      NDArray x = sub.randomNormal(new Shape(3, 3, 32, 32));
      // move a's running statistics away from their initial values so they are tested too
      a.forward(x, true);
      Path file = dir.resolve("w.safetensors");
      NetWeights.save(a, file);
      assertFalse(Arrays.equals(logits(a, x), logits(b, x)), "two fresh nets differ");
      NDArray before = b.stateDict().get("block1.layer.0.bn1.running_mean").getArray();
      NetWeights.load(b, file);
      assertArrayEquals(logits(a, x), logits(b, x));
      assertSame(before, b.stateDict().get("block1.layer.0.bn1.running_mean").getArray());
      assertEquals("wrn-16-1", NetWeights.architectureOf(file));
      try (Stream<Path> files = Files.list(dir)) {
        assertEquals(1, files.count(), "no temporary file left behind");
      }
    }
  }

  @Test
  void fileIsPlainSafetensorsWithTheArchitectureInItsMetadata() throws IOException {
    try (ZooNet net = Zoo.create("lenet5", manager, 1, 32, 32, 10)) {
      Path file = dir.resolve("lenet.safetensors");
      NetWeights.save(net, file);
      byte[] bytes = Files.readAllBytes(file);
      long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
      assertEquals(0, n % 8);
      String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
      assertTrue(header.contains("\"architecture\":\"lenet5\""), header);
      assertTrue(header.contains("\"features.0.weight\":{\"dtype\":\"F32\",\"shape\":[6,1,5,5]"), header);
      assertEquals(8 + n + 4 * 61706, bytes.length);
      // the data is little-endian float32 in state-dict order
      float first = ByteBuffer.wrap(bytes, (int) (8 + n), 4).order(ByteOrder.LITTLE_ENDIAN).getFloat();
      assertEquals(net.stateDict().get("features.0.weight").getArray().toFloatArray()[0], first);
    }
  }

  @Test
  void anotherArchitecturesFileNamesBoth() {
    try (ZooNet a = Zoo.create("wrn-16-1", manager, 3, 32, 32, 10);
        ZooNet b = Zoo.create("wrn-16-2", manager, 3, 32, 32, 10)) {
      Path file = dir.resolve("a.safetensors");
      NetWeights.save(a, file);
      DfkdException e = assertThrows(DfkdException.class, () -> NetWeights.load(b, file));
      assertTrue(e.getMessage().contains("wrn-16-1") && e.getMessage().contains("wrn-16-2"), e.getMessage());
      assertFalse(e.getMessage().contains("\n"));
    }
  }

  @Test
  void otherClassCountIsAShapeError() {
    try (ZooNet a = Zoo.create("lenet5", manager, 1, 32, 32, 10);
        ZooNet b = Zoo.create("lenet5", manager, 1, 32, 32, 7)) {
      Path file = dir.resolve("a.safetensors");
      NetWeights.save(a, file);
      float[] before = b.stateDict().get("features.0.weight").getArray().toFloatArray();
      DfkdException e = assertThrows(DfkdException.class, () -> NetWeights.load(b, file));
      assertTrue(e.getMessage().contains("fc.2.weight"), e.getMessage());
      // checked before copying: nothing changed
      assertArrayEquals(before, b.stateDict().get("features.0.weight").getArray().toFloatArray());
    }
  }

  @Test
  void truncatedOrDamagedFilesAreCorrupt() throws IOException {
    try (ZooNet net = Zoo.create("lenet5-half", manager, 1, 32, 32, 10)) {
      Path file = dir.resolve("w.safetensors");
      NetWeights.save(net, file);
      byte[] good = Files.readAllBytes(file);

      Path truncated = dir.resolve("truncated.safetensors");
      Files.write(truncated, Arrays.copyOf(good, good.length - 100));
      Path flipped = dir.resolve("flipped.safetensors");
      byte[] bad = good.clone();
      bad[bad.length - 10] ^= 0x40;
      Files.write(flipped, bad);
      Path garbage = dir.resolve("garbage.safetensors");
      Files.write(garbage, "this is not a weights file at all".getBytes(StandardCharsets.UTF_8));
      Path tiny = dir.resolve("tiny.safetensors");
      Files.write(tiny, new byte[] {1, 2, 3});
      Path headerCut = dir.resolve("header-cut.safetensors");
      Files.write(headerCut, Arrays.copyOf(good, 40));

      for (Path p : new Path[] {truncated, flipped, garbage, tiny, headerCut}) {
        DfkdException e = assertThrows(DfkdException.class, () -> NetWeights.load(net, p), p.toString());
        assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
      }
      DfkdException missing = assertThrows(DfkdException.class,
          () -> NetWeights.load(net, dir.resolve("missing.safetensors")));
      assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
    }
  }

  @Test
  void plainPytorchExportWithoutMetadataLoadsByName() throws IOException {
    // a minimal hand-made safetensors file as safetensors.torch.save_file writes it
    try (ZooNet net = Zoo.create("lenet5-half-bn", manager, 1, 32, 32, 10)) {
      StringBuilder header = new StringBuilder("{");
      long offset = 0;
      for (var e : net.stateDict().entrySet()) {
        Shape s = e.getValue().getShape();
        long bytes = s.size() * 4;
        header.append('"').append(e.getKey()).append("\":{\"dtype\":\"F32\",\"shape\":")
            .append(Arrays.toString(s.getShape()).replace(" ", "")).append(",\"data_offsets\":[")
            .append(offset).append(',').append(offset + bytes).append("]},");
        offset += bytes;
      }
      header.append("\"features.1.num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[")
          .append(offset).append(',').append(offset + 8).append("]}}");
      byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
      ByteBuffer buf = ByteBuffer.allocate((int) (8 + h.length + offset + 8)).order(ByteOrder.LITTLE_ENDIAN);
      buf.putLong(h.length).put(h);
      for (Parameter p : net.stateDict().values()) {
        for (int i = 0; i < p.getShape().size(); i++) {
          buf.putFloat(0.25f);
        }
      }
      buf.putLong(5);
      Path file = dir.resolve("torch.safetensors");
      Files.write(file, buf.array());
      assertNull(NetWeights.architectureOf(file));
      NetWeights.load(net, file);
      for (Parameter p : net.stateDict().values()) {
        for (float v : p.getArray().toFloatArray()) {
          assertEquals(0.25f, v);
        }
      }
    }
  }

  @Test
  void generatorWeightsRoundTrip() {
    try (Generator a = Generator.builder().nz(8).ngf(4).channels(1).build(manager);
        Generator b = Generator.builder().nz(8).ngf(4).channels(1).build(manager);
        Generator other = Generator.builder().nz(8).ngf(8).channels(1).build(manager);
        NDManager sub = manager.newSubManager()) {
      Path file = dir.resolve("g.safetensors");
      NetWeights.save(a, file);
      NetWeights.load(b, file);
      NDArray z = sub.randomNormal(new Shape(4, 8));
      assertArrayEquals(a.forward(z, false).toFloatArray(), b.forward(z, false).toFloatArray());
      DfkdException e = assertThrows(DfkdException.class, () -> NetWeights.load(other, file));
      assertTrue(e.getMessage().contains("generator-nz8-ngf4-c1-32"), e.getMessage());
    }
  }

  @Test
  void saveReplacesAtomicallyWithNormalPermissionsAndReportsUnwritablePlaces() throws IOException {
    try (ZooNet a = Zoo.create("lenet5", manager, 1, 32, 32, 10);
        ZooNet b = Zoo.create("lenet5", manager, 1, 32, 32, 10);
        NDManager sub = manager.newSubManager()) {
      Path file = dir.resolve("w.safetensors");
      NetWeights.save(b, file);
      NetWeights.save(a, file); // replaces
      try (ZooNet c = Zoo.create("lenet5", manager, 1, 32, 32, 10)) {
        NetWeights.load(c, file);
        NDArray x = sub.randomNormal(new Shape(2, 1, 32, 32));
        assertArrayEquals(logits(a, x), logits(c, x));
      }
      Path ref = Files.createFile(dir.resolve("reference"));
      if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
        assertEquals(Files.getPosixFilePermissions(ref), Files.getPosixFilePermissions(file),
            "same permissions as any new file (not a temp file's 600)");
      }
      Path notADir = Files.createFile(dir.resolve("plain-file"));
      DfkdException e = assertThrows(DfkdException.class,
          () -> NetWeights.save(a, notADir.resolve("w.safetensors")));
      assertTrue(e.getMessage().startsWith("cannot write " + notADir.resolve("w.safetensors").toAbsolutePath())
          && e.getMessage().contains("choose a writable location"), e.getMessage());
      try (Stream<Path> files = Files.list(dir)) {
        assertEquals(3, files.count(), "no temporary file left behind");
      }
    }
  }
}
