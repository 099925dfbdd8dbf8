package dev.rgal.deepinversion;

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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A shortened benchmark run of the method end to end: teacher → DeepInversion pool → student. */
class DeepInversionRunTest {
  @TempDir Path tmp;

  @Test
  void studentTrainedOnDeepInversionImagesAloneBeatsChance() {
    try (PluginHost host = PluginHost.discover()) {
      RunSpec spec = new MethodResolver(host).resolve("deepinversion", null, Map.of(
          "schedule.epochs", "2",
          "schedule.kdStepsPerEpoch", "25",
          "trainer.settings.batchSize", "128",
          "schedule.synthesisBatchSize", "128",
          "synthesizer.settings.gSteps", "30"));
      List<EpochReport> seen = new ArrayList<>();
      DistillResult r = new Distiller(host, Progress.silent()).run(
          new DistillRequest(Teachers.lenet5bn(), spec, Teachers.FASHION_MNIST, tmp.resolve("run"), false, null),
          seen::add);
      assertEquals(2, seen.size());
      assertEquals(2 * 128, r.imagesSynthesized(), "no warm-up calls, one call per epoch");
      // the competition term was active and driven by the student in every call
      for (EpochReport e : seen) {
        assertTrue(e.losses().containsKey("synth.adi") && e.losses().get("synth.adi") < 0, e.losses().toString());
      }
      assertTrue(r.lastAccuracy() > 0.2, "student accuracy on the real test set " + r.lastAccuracy()
          + " (teacher " + r.teacherAccuracy() + ")");
    }
  }
}
