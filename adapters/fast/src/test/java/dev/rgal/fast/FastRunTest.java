package dev.rgal.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rgal.api.RunSpec;
import dev.rgal.kernel.plugin.PluginHost;
import dev.rgal.toolkit.progress.Progress;
import dev.rgal.kernel.run.DistillRequest;
import dev.rgal.kernel.run.DistillResult;
import dev.rgal.kernel.run.Distiller;
import dev.rgal.kernel.run.EpochReport;
import dev.rgal.toolkit.teacher.TeacherRecipe;
import dev.rgal.toolkit.teacher.TeacherTrainer;
import dev.rgal.toolkit.zoo.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fast end to end on a small real teacher: the student learns from synthetic images alone. */
class FastRunTest {
  static Path teacher;
  @TempDir Path tmp;

  @BeforeAll
  static void trainTeacher() throws Exception {
    teacher = Files.createTempDirectory("fast-teacher").resolve("t");
    TeacherTrainer.train(new TeacherTrainer.Request("fashion-mnist", null, "lenet5-bn",
        TeacherRecipe.fashionMnistDefault().withEpochs(1), teacher, false, 6000), Zoo.factories(), Progress.silent(), e -> {});
  }

  private static Map<String, String> tiny() {
    return Map.of("schedule.epochs", "3", "schedule.kdStepsPerEpoch", "30", "trainer.settings.batchSize", "128",
        "schedule.synthesisBatchSize", "128", "schedule.warmupCalls", "2");
  }

  @Test
  void presetMatchesTheBenchmarkAndAStudentLearnsDataFree() {
    try (PluginHost host = PluginHost.discover(); Distiller d = new Distiller(host, Progress.silent())) {
      RunSpec preset = d.spec("fast", null, Map.of());
      assertEquals("fmnist-lenet5-fast", host.registry(dev.rgal.api.Bindings.Registry.METHODS, dev.rgal.api.MethodDefinition.class).get("fast").defaultPreset());
      assertEquals(5, Integer.parseInt(preset.synthesizer().settings().values().get("gSteps")));
      assertEquals(1.5e-2, Double.parseDouble(preset.synthesizer().settings().values().get("metaLr")), 1e-12);
      assertEquals(3, preset.schedule().warmupCalls());
      assertEquals(10.0, preset.synthesisTerms().get(0).weight());

      List<EpochReport> seen = new ArrayList<>();
      DistillResult r = d.run(new DistillRequest(teacher, d.spec("fast", null, tiny()),
          Path.of("/usr/share/datasets/fashion-mnist"), tmp.resolve("run"), false, null), seen::add);
      assertTrue(r.lastAccuracy() > 0.3, "student accuracy " + r.lastAccuracy());
      assertEquals(128 * 5, r.imagesSynthesized());
      // the adversarial term only exists after warm-up, and is reported per epoch
      assertTrue(seen.get(0).losses().containsKey("synth.adv"), seen.get(0).losses().toString());
    }
  }

  @Test
  void metaGeneratorStateRoundTripsForResume() throws Exception {
    try (PluginHost host = PluginHost.discover(); Distiller d = new Distiller(host, Progress.silent())) {
      Map<String, String> o = new java.util.HashMap<>(tiny());
      o.put("schedule.epochs", "1");
      o.put("schedule.kdStepsPerEpoch", "2");
      DistillResult a = d.run(new DistillRequest(teacher, d.spec("fast", null, o), null, tmp.resolve("a"), false, null));
      byte[] first = Files.readAllBytes(tmp.resolve("a/checkpoint/components.bin"));
      o.put("seed", "1");
      d.run(new DistillRequest(teacher, d.spec("fast", null, o), null, tmp.resolve("b"), false, null));
      byte[] other = Files.readAllBytes(tmp.resolve("b/checkpoint/components.bin"));
      assertNotEquals(java.util.Arrays.hashCode(first), java.util.Arrays.hashCode(other), "the meta-generator state depends on the run");
      assertTrue(first.length > 500_000, "meta-generator weights and Adam moments are in the checkpoint: " + first.length);
      assertEquals(3 * 128, a.imagesSynthesized());
    }
  }
}
