package dev.rgal.tribuo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import dev.rgal.api.Bindings.Registry;
import dev.rgal.api.RunSpec;
import dev.rgal.api.tracking.RunRecord;
import dev.rgal.api.tracking.RunStart;
import dev.rgal.api.tracking.RunStatus;
import dev.rgal.api.tracking.TrackedRun;
import dev.rgal.testkit.DistilledRun;
import dev.rgal.testkit.FashionMnist;
import dev.rgal.testkit.FileStore;
import dev.rgal.testkit.PluginHarness;
import dev.rgal.testkit.RunRequest;
import dev.rgal.testkit.TestTrackers;
import dev.rgal.testkit.TinyTeacher;
import dev.rgal.toolkit.teacher.TeacherStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real (tiny) distillation: the plugin's run observer logs Tribuo figures; the run exports as a student. */
class DistillObserverTest {
  @Test
  void observerLogsTribuoMetricsAndTheRunExportsAsAStudent(@TempDir Path tmp) throws Exception {
    Path teacher = TinyTeacher.lenet5bn();
    Path out = tmp.resolve("run");
    FileStore store = TestTrackers.fileStore(tmp.resolve("mlruns"));
    DistilledRun result;
    String runId;
    Map<String, String> installed = new java.util.TreeMap<>();
    try (PluginHarness h = PluginHarness.open()) {
      assertEquals("tribuo", h.ownerOf(Registry.OBSERVERS, TribuoPlugin.OBSERVER));
      RunSpec spec = h.spec("tribuo-test", Map.of());
      h.plugins().forEach(p -> installed.put(p.id(), p.version()));
      try (TrackedRun run = store.start(new RunStart("tribuo-test", "observer", Map.of()))) {
        runId = run.runId();
        result = h.distill(RunRequest.of(teacher, spec, out).tracked(run));
        run.finish(RunStatus.FINISHED);
      }
    }
    assertEquals(runId, result.runId());
    RunRecord rec = store.searchRuns("tribuo-test").get(0);
    assertEquals(runId, rec.runId());
    // Tribuo's accuracy of the final student is the engine's last accuracy on the same 10 000 images
    assertEquals(result.lastAccuracy(), rec.metrics().get("tribuo.accuracy"), 1e-9);
    assertTrue(rec.metrics().containsKey("tribuo.macro_f1"));
    assertTrue(rec.metrics().containsKey("tribuo.recall.9"));
    // the failing test observer ran after tribuo-evaluation (name order) and only left a tag
    assertEquals("IllegalStateException: observer broke on purpose", rec.tags().get("observer.zz-failing.error"));
    assertEquals("FINISHED", rec.status());
    Path report = out.resolve(TribuoRunObserver.REPORT);
    assertTrue(Files.readString(report).contains("confusion matrix"));
    Path artifact = store.artifactsDir(runId).resolve(TribuoRunObserver.REPORT);
    assertTrue(Files.isRegularFile(artifact), "artifact at " + artifact);

    try (DfkdTribuoModel student = DfkdTribuoModel.fromRun(out, teacher, installed)) {
      Map<String, ? extends Provenance> inst = student.getProvenance().getInstanceProvenance().getMap();
      assertEquals("student", DfkdTribuoModelTest.value(inst, "kind"));
      assertEquals("tribuo-test", DfkdTribuoModelTest.value(inst, "method"));
      assertEquals("3", DfkdTribuoModelTest.value(inst, "seed"));
      assertEquals("64", DfkdTribuoModelTest.value(inst, "dataBudget.images"));
      assertEquals(TeacherStore.readMetadata(teacher).weightsSha256(), DfkdTribuoModelTest.value(inst, "teacher.sha256"));
      assertEquals("lenet5-half-bn", DfkdTribuoModelTest.value(inst, "spec.studentArch"));
      assertTrue(inst.keySet().stream().anyMatch(k -> k.startsWith("spec.synthesizer")), inst.keySet().toString());
      assertEquals(installed.get("tribuo"), DfkdTribuoModelTest.value(inst, "plugin.tribuo"), "versions of the host that exported");
      // where the run ran, from its summary.json
      assertEquals(System.getProperty("java.version"), DfkdTribuoModelTest.value(inst, "run.env.java.version"));
      assertEquals(String.valueOf(Runtime.getRuntime().availableProcessors()), DfkdTribuoModelTest.value(inst, "run.env.cpu.cores"));
      assertEquals("2.3.1", DfkdTribuoModelTest.value(inst, "run.env.pytorch.version"));
      assertEquals(DfkdDistillationTrainer.class.getName(), student.getProvenance().getTrainerProvenance().getClassName());
      TribuoEvaluation.Result r = TribuoEvaluation.evaluate(student, FashionMnist.test());
      assertEquals(result.lastAccuracy(), r.accuracy(), 1e-9);
      List<String> lines = Files.readAllLines(report);
      assertTrue(lines.get(1).startsWith(String.format(java.util.Locale.ROOT, "accuracy %.4f", r.accuracy())), lines.get(1));
    }
  }
}
