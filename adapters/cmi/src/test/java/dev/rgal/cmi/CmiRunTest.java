package dev.rgal.cmi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rgal.api.RunSpec;
import dev.rgal.kernel.plugin.PluginHost;
import dev.rgal.toolkit.progress.Progress;
import dev.rgal.kernel.run.DistillRequest;
import dev.rgal.kernel.run.DistillResult;
import dev.rgal.kernel.run.Distiller;
import dev.rgal.kernel.run.EpochReport;
import dev.rgal.kernel.run.MethodResolver;
import dev.rgal.toolkit.teacher.TeacherRecipe;
import dev.rgal.toolkit.teacher.TeacherTrainer;
import dev.rgal.toolkit.zoo.Zoo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny real CMI run: a LeNet-5-BN teacher trained for one epoch on 6,000 Fashion-MNIST images,
 * then two short epochs of the {@code cmi} method; the student must learn from the synthesised
 * images alone.
 */
class CmiRunTest {
  static final Path DATA = Path.of("/usr/share/datasets/fashion-mnist");
  @TempDir Path tmp;

  @Test
  void studentLearnsFromCmiImagesAndTheContrastiveLossIsFinite() {
    Path teacherDir = tmp.resolve("teacher");
    long t0 = System.nanoTime();
    TeacherTrainer.train(new TeacherTrainer.Request("fashion-mnist", null, "lenet5-bn",
            TeacherRecipe.fashionMnistDefault().withEpochs(1), teacherDir, false, 6000),
        Zoo.factories(), Progress.silent(), e -> {});
    long t1 = System.nanoTime();
    try (PluginHost host = PluginHost.discover()) {
      RunSpec spec = new MethodResolver(host).resolve("cmi", null, Map.of(
          "schedule.epochs", "2", "schedule.kdStepsPerEpoch", "25", "trainer.settings.batchSize", "128",
          "schedule.synthesisBatchSize", "128", "synthesizer.settings.gSteps", "10",
          "synthesizer.settings.lr", "0.01", "synthesizer.settings.nz", "64"));
      List<EpochReport> seen = new ArrayList<>();
      DistillResult r = new Distiller(host, Progress.silent())
          .run(new DistillRequest(teacherDir, spec, DATA, tmp.resolve("run"), false, null), seen::add);
      System.out.printf("teacher %.1fs, distill %.1fs (synthesis %.1fs, kd %.1fs), student %.3f%n",
          (t1 - t0) / 1e9, (System.nanoTime() - t1) / 1e9, r.synthesisMinutes() * 60, r.kdMinutes() * 60, r.lastAccuracy());
      assertEquals(2, seen.size());
      assertTrue(r.teacherAccuracy() > 0.5, "teacher " + r.teacherAccuracy());
      assertTrue(r.lastAccuracy() > 0.2, "student accuracy on real test images " + r.lastAccuracy());
      for (EpochReport e : seen) {
        Double cr = e.losses().get("synth.cmi-contrastive");
        assertTrue(cr != null && Double.isFinite(cr) && cr > 0, "contrastive loss " + e.losses());
      }
    }
  }
}
