package dev.rgal.cmi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rgal.api.RunSpec;
import dev.rgal.testkit.DistilledRun;
import dev.rgal.testkit.EpochResult;
import dev.rgal.testkit.Learning;
import dev.rgal.testkit.PluginHarness;
import dev.rgal.testkit.TinyTeacher;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny real CMI run: a LeNet-5-BN teacher trained for one epoch on 6,000 Fashion-MNIST images,
 * then two short epochs of the {@code cmi} method; the student must learn from the synthesised
 * images alone.
 */
class CmiRunTest {
  @TempDir Path tmp;

  @Test
  void studentLearnsFromCmiImagesAndTheContrastiveLossIsFinite() {
    long t0 = System.nanoTime();
    Path teacherDir = TinyTeacher.lenet5bn();
    long t1 = System.nanoTime();
    try (PluginHarness host = PluginHarness.open()) {
      RunSpec spec = host.spec("cmi", Map.of(
          "schedule.epochs", "2", "schedule.kdStepsPerEpoch", "25", "trainer.settings.batchSize", "128",
          "schedule.synthesisBatchSize", "128", "synthesizer.settings.gSteps", "10",
          "synthesizer.settings.lr", "0.01", "synthesizer.settings.nz", "64"));
      DistilledRun r = host.distill(teacherDir, spec, tmp.resolve("run"));
      System.out.printf("teacher %.1fs, distill %.1fs (synthesis %.1fs, kd %.1fs), student %.3f%n",
          (t1 - t0) / 1e9, (System.nanoTime() - t1) / 1e9, r.synthesisSeconds(), r.kdSeconds(), r.lastAccuracy());
      assertEquals(2, r.epochs().size());
      assertTrue(r.teacherAccuracy() > 0.5, "teacher " + r.teacherAccuracy());
      Learning.assertStudentLearns(r, 0.2);
      for (EpochResult e : r.epochs()) {
        Double cr = e.losses().get("synth.cmi-contrastive");
        assertTrue(cr != null && Double.isFinite(cr) && cr > 0, "contrastive loss " + e.losses());
      }
    }
  }
}
