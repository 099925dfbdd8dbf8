package dev.rgal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.rgal.api.model.FeatureNet;
import dev.rgal.toolkit.data.Datasets;
import dev.rgal.toolkit.data.ImageDataset;
import dev.rgal.toolkit.teacher.TeacherMetadata;
import dev.rgal.toolkit.teacher.TeacherStore;
import dev.rgal.toolkit.zoo.NetWeights;
import dev.rgal.toolkit.zoo.Zoo;
import dev.rgal.tribuo.DfkdTribuoModel;
import dev.rgal.tribuo.PixelFeatures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.classification.Label;
import org.tribuo.provenance.ModelProvenance;

/** {@code rgal export}: a loadable file, no overwrite, one-line errors. */
class ExportCommandTest {
  private static final String SPEC = """
      {"method": "export-test", "studentArch": "lenet5-half-bn", "seed": 5,
       "schedule": {"epochs": 2, "kdStepsPerEpoch": 4, "synthesisBatchSize": 32, "synthesisCallsPerEpoch": 1, "warmupCalls": 1},
              "kdAugmentation": {"cropPadding": 2, "horizontalFlip": true},
       "synthesizer": {"name": "x", "settings": {}},
       "synthesisTerms": [{"name": "bn", "weight": 1}],
       "trainer": {"name": "kd", "settings": {"lr": 0.05, "batchSize": 64}}, "studentTerms": []}
      """;

  private record Out(int code, String out, String err) {}

  private static Out rgal(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int code = Main.run(args);
      return new Out(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  /** A teacher directory and a run directory with (untrained) weights; export needs no training. */
  private static void fixtures(Path teacher, Path run) throws Exception {
    var spec = Datasets.dataSpec("fashion-mnist");
    try (NDManager m = NDManager.newBaseManager();
        FeatureNet t = Zoo.create("lenet5-bn", m, 1, 32, 32, 10);
        FeatureNet s = Zoo.create("lenet5-half-bn", m, 1, 32, 32, 10)) {
      TeacherStore.write(teacher, t, new TeacherMetadata("lenet5-bn", "fashion-mnist", 1, 32, 32, 10, spec.mean(),
          spec.std(), Double.NaN, 0, TeacherStore.WEIGHTS, "", Map.of("epochs", "0")), false);
      Files.createDirectories(run);
      Files.writeString(run.resolve("spec.json"), SPEC);
      NetWeights.save(s, run.resolve("student.params"));
    }
  }

  @Test
  void exportsALoadableStudentAndNeverOverwrites(@TempDir Path tmp) throws Exception {
    Path teacher = tmp.resolve("teacher");
    Path run = tmp.resolve("run");
    fixtures(teacher, run);
    Path file = tmp.resolve("student.tribuo");
    Out ok = rgal("export", "--run", run.toString(), "--teacher", teacher.toString(), "--out", file.toString());
    assertEquals(0, ok.code(), ok.err());
    assertTrue(ok.out().contains("exported student lenet5-half-bn"), ok.out());
    try (DfkdTribuoModel m = DfkdTribuoModel.load(file)) {
      ModelProvenance p = m.getProvenance();
      assertEquals("export-test", ((com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance)
          p.getInstanceProvenance().getMap().get("method")).getValue());
      assertEquals("5", ((com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance)
          p.getInstanceProvenance().getMap().get("seed")).getValue());
      ImageDataset test = Datasets.open("fashion-mnist", null, Datasets.Split.TEST).take(20);
      var preds = m.predict(PixelFeatures.examples(test, 0, 20, m.featureFormat(), m.labelNames()));
      assertEquals(20, preds.size());
      assertTrue(preds.stream().allMatch(pr -> pr.getOutputScores().size() == 10 && pr.getOutput() instanceof Label));
    }
    long size = Files.size(file);
    Out again = rgal("export", "--run", run.toString(), "--teacher", teacher.toString(), "--out", file.toString());
    assertEquals(1, again.code());
    assertTrue(again.err().contains("already exists"), again.err());
    assertEquals(size, Files.size(file));
    try (var s = Files.list(tmp)) {
      assertFalse(s.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temp file left behind");
    }
    // a teacher directory exports as a teacher
    Path tfile = tmp.resolve("teacher.tribuo");
    Out t = rgal("export", "--run", teacher.toString(), "--out", tfile.toString());
    assertEquals(0, t.code(), t.err());
    try (DfkdTribuoModel m = DfkdTribuoModel.load(tfile)) {
      assertEquals("lenet5-bn", m.architecture());
    }
  }

  @Test
  void nonRunDirectoryAndMissingTeacherAreOneLineErrors(@TempDir Path tmp) throws Exception {
    Out bad = rgal("export", "--run", tmp.toString(), "--out", tmp.resolve("x.tribuo").toString());
    assertEquals(1, bad.code());
    assertTrue(bad.err().startsWith("rgal: error: "), bad.err());
    assertTrue(bad.err().contains("neither a finished distillation run"), bad.err());
    assertEquals(1, bad.err().strip().lines().count(), bad.err());
    Path teacher = tmp.resolve("teacher");
    Path run = tmp.resolve("run");
    fixtures(teacher, run);
    Out noTeacher = rgal("export", "--run", run.toString(), "--out", tmp.resolve("y.tribuo").toString());
    assertEquals(1, noTeacher.code());
    assertTrue(noTeacher.err().contains("needs --teacher"), noTeacher.err());
    Out format = rgal("export", "--run", run.toString(), "--format", "onnx", "--out", tmp.resolve("z").toString());
    assertEquals(1, format.code());
    assertTrue(format.err().contains("--format tribuo"), format.err());
    // a teacher of another shape (3-channel CIFAR) does not fit the run's 1-channel student
    Path cifar = tmp.resolve("cifar-teacher");
    var c = Datasets.dataSpec("cifar10");
    try (NDManager m = NDManager.newBaseManager(); FeatureNet t = Zoo.create("lenet5-bn", m, 3, 32, 32, 10)) {
      TeacherStore.write(cifar, t, new TeacherMetadata("lenet5-bn", "cifar10", 3, 32, 32, 10, c.mean(), c.std(),
          Double.NaN, 0, TeacherStore.WEIGHTS, "", Map.of()), false);
    }
    Out mismatch = rgal("export", "--run", run.toString(), "--teacher", cifar.toString(), "--out", tmp.resolve("w.tribuo").toString());
    assertEquals(1, mismatch.code());
    assertTrue(mismatch.err().startsWith("rgal: error: cannot export the student of"), mismatch.err());
    assertEquals(1, mismatch.err().strip().lines().count(), mismatch.err());
    assertFalse(Files.exists(tmp.resolve("x.tribuo")) || Files.exists(tmp.resolve("y.tribuo"))
        || Files.exists(tmp.resolve("w.tribuo")));
  }
}
