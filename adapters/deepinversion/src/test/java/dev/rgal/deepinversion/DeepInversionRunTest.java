package dev.rgal.deepinversion;

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

/** A shortened benchmark run of the method end to end: teacher → DeepInversion pool → student. */
class DeepInversionRunTest {
  @TempDir Path tmp;

  @Test
  void studentTrainedOnDeepInversionImagesAloneBeatsChance() {
    try (PluginHarness host = PluginHarness.open()) {
      RunSpec spec = host.spec("deepinversion", Map.of(
          "schedule.epochs", "2",
          "schedule.kdStepsPerEpoch", "25",
          "trainer.settings.batchSize", "128",
          "schedule.synthesisBatchSize", "128",
          "synthesizer.settings.gSteps", "30"));
      DistilledRun r = host.distill(TinyTeacher.lenet5bn(), spec, tmp.resolve("run"));
      assertEquals(2, r.epochs().size());
      assertEquals(2 * 128, r.imagesSynthesized(), "no warm-up calls, one call per epoch");
      // the competition term was active and driven by the student in every call
      for (EpochResult e : r.epochs()) {
        assertTrue(e.losses().containsKey("synth.adi") && e.losses().get("synth.adi") < 0, e.losses().toString());
      }
      Learning.assertStudentLearns(r, 0.2);
    }
  }
}
