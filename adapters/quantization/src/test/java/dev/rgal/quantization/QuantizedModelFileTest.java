package dev.rgal.quantization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.rgal.api.DfkdException;
import dev.rgal.toolkit.zoo.ForwardHooks;
import dev.rgal.toolkit.zoo.Zoo;
import dev.rgal.toolkit.zoo.ZooNet;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuantizedModelFileTest {
  private static final String SHA = "ab".repeat(32);
  private static final dev.rgal.api.DataSpec DATA = dev.rgal.toolkit.data.Datasets.dataSpec("fashion-mnist");

  @TempDir Path dir;

  private static QuantizedNet calibrated(ZooNet teacher, String bits, LayerPolicy policy, NDManager m, NDArray x) {
    QuantizedNet q = QuantizedNet.of(teacher, QuantizationConfig.gdfq(BitWidths.parse(bits)).withPolicy(policy), m);
    Calibration.calibrate(q, List.of(x));
    return q;
  }

  @Test
  void integerWeightsDequantizeToTheFakeQuantizedWeightsBitForBitAndReloadingGivesTheSamePredictions() {
    Engine.getInstance().setRandomSeed(8);
    try (NDManager m = NDManager.newBaseManager(); ZooNet teacher = Zoo.create("lenet5-bn", m, 1, 32, 32, 10)) {
      NDArray x = m.randomNormal(new Shape(16, 1, 32, 32));
      try (QuantizedNet q = calibrated(teacher, "w4a4", LayerPolicy.ENDS_8, m, x)) {
        // the weights the forward really uses
        Map<String, float[]> used = new LinkedHashMap<>();
        q.net().forward(x, false, new ForwardHooks() {
          @Override
          public NDArray weight(String layer, NDArray w) {
            NDArray fq = q.weightQuantizers().get(layer).apply(w, x.getManager());
            used.put(layer, fq.toFloatArray());
            return fq;
          }
        });
        Path file = dir.resolve("q.rgalq");
        QuantizedModelFile.write(q, SHA, DATA, file);
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
          List<String> names = new java.util.ArrayList<>();
          for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
            names.add(e.getName());
          }
          assertEquals(List.of("manifest.json", "tensors.safetensors", "content.sha256"), names);
        } catch (IOException e) {
          throw new AssertionError(e);
        }
        for (QuantizedTensor t : q.exportWeights()) {
          assertEquals(t.layer().equals("features.0") || t.layer().equals("fc.2") ? 8 : 4, t.bits());
          for (byte code : t.codes()) {
            assertTrue(code >= -(1 << (t.bits() - 1)) && code <= (1 << (t.bits() - 1)) - 1, t.layer());
          }
          float[] deq = t.dequantize();
          float[] fq = used.get(t.layer());
          for (int i = 0; i < deq.length; i++) {
            assertEquals(Float.floatToIntBits(fq[i]), Float.floatToIntBits(deq[i]), t.layer() + "[" + i + "]");
          }
        }
        Map<String, String> meta = QuantizedModelFile.describe(file);
        assertEquals("lenet5-bn", meta.get("architecture"));
        assertEquals("w4a4", meta.get("bits"));
        assertEquals("ends-8", meta.get("policy"));
        assertEquals(SHA, meta.get("teacherSha256"));

        float[] before = q.forward(x, false).logits().toFloatArray();
        try (QuantizedNet loaded = QuantizedModelFile.read(file, "lenet5-bn", m)) {
          assertTrue(loaded.deployed());
          assertArrayEquals(before, loaded.forward(x, false).logits().toFloatArray());
          assertEquals(CalibrationTable.of(q), CalibrationTable.of(loaded));
          assertEquals(q.weightBits(), loaded.weightBits());
          // the loaded shadow weights are the dequantized integers
          for (QuantizedTensor t : q.exportWeights()) {
            assertArrayEquals(t.dequantize(), loaded.net().stateDict().get(t.layer() + ".weight").getArray().toFloatArray());
          }
          assertThrows(DfkdException.class, () -> new QatKdStep(teacher, loaded, QatKdStep.Options.gdfq(), m));
        }
        DfkdException exists = assertThrows(DfkdException.class, () -> QuantizedModelFile.write(q, SHA, DATA, file));
        assertTrue(exists.getMessage().contains("already exists"));
      }
    }
  }

  @Test
  void aFileOfAnotherArchitectureIsRefusedInOneLine() {
    Engine.getInstance().setRandomSeed(9);
    try (NDManager m = NDManager.newBaseManager(); ZooNet teacher = Zoo.create("lenet5-half-bn", m, 1, 32, 32, 10)) {
      Path file = dir.resolve("half.rgalq");
      try (QuantizedNet q = calibrated(teacher, "w8a8", LayerPolicy.ALL_K, m, m.randomNormal(new Shape(4, 1, 32, 32)))) {
        QuantizedModelFile.write(q, SHA, DATA, file);
      }
      DfkdException e = assertThrows(DfkdException.class, () -> QuantizedModelFile.read(file, "lenet5-bn", m));
      assertTrue(e.getMessage().contains("lenet5-half-bn") && !e.getMessage().contains("\n"), e.getMessage());
    }
  }

  @Test
  void aCorruptedFileIsRefusedInOneLineAndNothingHalfWrittenRemains() throws IOException {
    Engine.getInstance().setRandomSeed(10);
    try (NDManager m = NDManager.newBaseManager(); ZooNet teacher = Zoo.create("lenet5-bn", m, 1, 32, 32, 10)) {
      Path file = dir.resolve("q.rgalq");
      try (QuantizedNet q = calibrated(teacher, "w4a4", LayerPolicy.ALL_K, m, m.randomNormal(new Shape(4, 1, 32, 32)))) {
        QuantizedModelFile.write(q, SHA, DATA, file);
        assertThrows(DfkdException.class, () -> QuantizedModelFile.write(q, "teacher", DATA, dir.resolve("s.rgalq")));
        QuantizedNet uncalibrated = QuantizedNet.of(teacher, QuantizationConfig.gdfq(BitWidths.parse("w4a4")), m);
        assertThrows(DfkdException.class, () -> QuantizedModelFile.write(uncalibrated, SHA, DATA, dir.resolve("u.rgalq")));
        uncalibrated.close();
      }
      try (var listing = Files.list(dir)) {
        assertEquals(List.of(file), listing.toList(), "no temporary or half-written file");
      }
      Map<String, byte[]> entries = new LinkedHashMap<>();
      try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
        for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
          entries.put(e.getName(), zip.readAllBytes());
        }
      }
      // one flipped bit in a weight code, re-zipped so only the content checksum can notice
      Map<String, byte[]> flipped = new HashMap<>(entries);
      byte[] tensors = entries.get("tensors.safetensors").clone();
      tensors[tensors.length - 100] ^= 1;
      flipped.put("tensors.safetensors", tensors);
      // a manifest with another range, same size
      Map<String, byte[]> edited = new HashMap<>(entries);
      edited.put("manifest.json", new String(entries.get("manifest.json"), StandardCharsets.UTF_8)
          .replace("\"policy\":\"all-k\"", "\"policy\":\"ends-8\"").getBytes(StandardCharsets.UTF_8));
      assertFalse(java.util.Arrays.equals(edited.get("manifest.json"), entries.get("manifest.json")));
      int k = 0;
      for (Map<String, byte[]> bad : List.of(flipped, edited)) {
        Path p = dir.resolve("bad" + k++ + ".rgalq");
        try (OutputStream out = Files.newOutputStream(p); ZipOutputStream zip = new ZipOutputStream(out)) {
          for (String name : List.of("manifest.json", "tensors.safetensors", "content.sha256")) {
            zip.putNextEntry(new ZipEntry(name));
            zip.write(bad.get(name));
            zip.closeEntry();
          }
        }
        DfkdException e = assertThrows(DfkdException.class, () -> QuantizedModelFile.read(p, null, m));
        assertTrue(e.getMessage().contains("checksum mismatch") && !e.getMessage().contains("\n"), e.getMessage());
      }
      // a truncated file
      Path cut = dir.resolve("cut.rgalq");
      byte[] all = Files.readAllBytes(file);
      Files.write(cut, java.util.Arrays.copyOf(all, all.length / 2));
      DfkdException e = assertThrows(DfkdException.class, () -> QuantizedModelFile.read(cut, null, m));
      assertTrue(e.getMessage().contains("corrupt") && !e.getMessage().contains("\n"), e.getMessage());
      DfkdException missing = assertThrows(DfkdException.class, () -> QuantizedModelFile.read(dir.resolve("none"), null, m));
      assertTrue(missing.getMessage().contains("does not exist"));
    }
  }
}
