package dev.rgal.rgal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.rgal.api.Bindings.Registry;
import dev.rgal.api.ComponentRequest;
import dev.rgal.api.DfkdException;
import dev.rgal.api.RunSpec;
import dev.rgal.api.TermSpec;
import dev.rgal.api.WeightedTerm;
import dev.rgal.api.options.OptionValues;
import dev.rgal.api.options.Options;
import dev.rgal.api.training.StudentTerm;
import dev.rgal.api.training.StudentTrainer;
import dev.rgal.api.training.TrainingSummary;
import dev.rgal.testkit.DistilledRun;
import dev.rgal.testkit.Learning;
import dev.rgal.testkit.PluginHarness;
import dev.rgal.testkit.TinyTeacher;
import dev.rgal.testkit.Workbench;
import dev.rgal.toolkit.data.InMemoryDataPool;
import dev.rgal.toolkit.train.KdTrainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RGAL's components wired into real runs. */
class RgalComponentsTest {
  @TempDir Path tmp;

  @Test
  void theRgalTrainersDefaultTermsAreWrittenIntoTheSpecUnlessItNamesOne() {
    try (PluginHarness h = PluginHarness.open()) {
      RunSpec alone = h.spec("plain", Map.of("trainer.name", "rgal"));
      assertEquals(List.of("rgal-relation 0.1 {precision=reproduce}", "rgal-cd 0.1 {}"), alone.studentTerms().stream()
          .map(t -> t.name() + " " + t.weight() + " " + t.settings().values()).toList());
      assertEquals(alone.trainer().settings(), h.spec("plain", Map.of()).trainer().settings(),
          "the rgal trainer takes the kd options, carried over");
      // naming one of them, even switched off, is the user's choice: nothing is added
      RunSpec ablated = h.spec("plain", Map.of("trainer.name", "rgal", "studentTerms.rgal-cd.weight", "0"));
      assertEquals(List.of("rgal-cd"), ablated.studentTerms().stream().map(TermSpec::name).toList());
      // and a typo in one of its options is caught like any other
      DfkdException e = assertThrows(DfkdException.class, () -> h.spec("plain+rgal",
          Map.of("studentTerms.rgal-relation.settings.precison", "well-defined")));
      assertTrue(e.getMessage().contains("did you mean precision?"), e.getMessage());
    }
  }

  @Test
  void extensionAddsBothComponentsAndLeavesTheBaseAlone() {
    try (PluginHarness h = PluginHarness.open()) {
      RunSpec base = h.spec("plain", Map.of());
      RunSpec plus = h.spec("plain+rgal", Map.of());
      assertEquals("plain+rgal", plus.method());
      assertEquals(base.synthesizer(), plus.synthesizer());
      assertEquals(base.schedule(), plus.schedule());
      assertEquals(base.synthesisTerms(), plus.synthesisTerms().subList(0, base.synthesisTerms().size()));
      TermSpec synth = plus.synthesisTerms().get(plus.synthesisTerms().size() - 1);
      assertEquals("rgal-relation", synth.name());
      assertEquals(0.1, synth.weight());
      assertEquals("2", synth.settings().values().get("startLayer"));
      assertEquals("rgal", plus.trainer().name());
      assertEquals(List.of("rgal-relation", "rgal-cd"), plus.studentTerms().stream().map(TermSpec::name).toList());
      RunSpec released = h.spec("rgal", Map.of());
      assertEquals("rgal", released.synthesizer().name());
      assertTrue(released.synthesisTerms().stream().noneMatch(t -> t.name().equals("cmi-contrastive")));
    }
  }

  @Test
  void studentRelationLossFallsAndCdAdaptersLearn() throws Exception {
    Engine.getInstance().setRandomSeed(1);
    try (PluginHarness h = PluginHarness.open(); Workbench bench = Workbench.withTinyTeacher("lenet5-half-bn")) {
      NDManager run = bench.manager();
      RunSpec spec = h.spec("plain+rgal", Map.of("schedule.kdStepsPerEpoch", "15", "trainer.settings.batchSize", "128"));
      TermSpec relationSpec = spec.studentTerms().get(0);
      assertEquals("rgal-relation", relationSpec.name());
      ComponentRequest req = h.request(Registry.STUDENT_TRAINERS, "rgal", spec.trainer().settings(), "trainer",
          bench, spec.seed());
      List<WeightedTerm<StudentTerm>> terms = new ArrayList<>();
      RelationStudentTerm relation = new RelationStudentTerm(req.withOptions(h.options(Registry.STUDENT_TERMS,
          "rgal-relation", relationSpec.settings(), "studentTerms.rgal-relation")));
      ChannelDistillationTerm cd = new ChannelDistillationTerm(req.withOptions(OptionValues.defaults(Options.none())));
      terms.add(new WeightedTerm<>("rgal-relation", 0.1, relation));
      terms.add(new WeightedTerm<>("rgal-cd", 0.1, cd));
      List<float[]> adapterBefore = new ArrayList<>();
      for (Block b : cd.trainableBlocks()) {
        KdTrainer.trainable(b).forEach(a -> adapterBefore.add(a.toFloatArray()));
      }
      StudentTrainer trainer = h.trainer(spec, bench, terms);
      // the pool: images the trainer has never seen labels of (un-augmented test images)
      try (InMemoryDataPool pool = bench.realImagePool(tmp.resolve("pool.bin"), 512, spec.kdAugmentation())) {
        List<Double> relationLoss = new ArrayList<>();
        for (int epoch = 0; epoch < 4; epoch++) {
          try (NDManager em = run.newSubManager()) {
            TrainingSummary s = trainer.trainEpoch(bench.studentContext(pool, terms, epoch, 4,
                spec.schedule().kdStepsPerEpoch(), em, new Random(epoch)));
            relationLoss.add(s.meanLosses().get("rgal-relation"));
            assertTrue(s.meanLosses().containsKey("rgal-cd"));
          }
        }
        assertTrue(relationLoss.get(3) < relationLoss.get(0), "relation loss per epoch: " + relationLoss);
      }
      int i = 0;
      double moved = 0;
      for (Block b : cd.trainableBlocks()) {
        for (NDArray a : KdTrainer.trainable(b)) {
          float[] now = a.toFloatArray();
          float[] before = adapterBefore.get(i++);
          for (int k = 0; k < now.length; k++) {
            moved += Math.abs(now[k] - before[k]);
          }
        }
      }
      assertTrue(moved > 1e-3, "CD adapters were updated by the student's optimiser: " + moved);
      trainer.close();
    }
  }

  @Test
  void rgalOnABaseMethodRunsEndToEnd() {
    try (PluginHarness h = PluginHarness.open()) {
      DistilledRun r = h.distill(TinyTeacher.lenet5bn(), h.spec("plain+rgal", Map.of()), tmp.resolve("run"));
      Learning.assertStudentLearns(r, 0.25);
      assertTrue(r.epochs().get(1).losses().containsKey("synth.rgal-relation"), r.epochs().get(1).losses().toString());
      assertTrue(Double.isFinite(r.epochs().get(1).losses().get("rgal-relation")));
    }
  }
}
