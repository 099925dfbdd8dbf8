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
import dev.rgal.api.training.StudentContext;
import dev.rgal.api.training.StudentTerm;
import dev.rgal.api.training.StudentTrainer;
import dev.rgal.api.training.StudentTrainerFactory;
import dev.rgal.api.training.TrainingSummary;
import dev.rgal.toolkit.data.Datasets;
import dev.rgal.toolkit.data.ImageDataset;
import dev.rgal.toolkit.data.InMemoryDataPool;
import dev.rgal.kernel.plugin.PluginHost;
import dev.rgal.toolkit.progress.Progress;
import dev.rgal.kernel.run.DistillRequest;
import dev.rgal.kernel.run.DistillResult;
import dev.rgal.kernel.run.Distiller;
import dev.rgal.kernel.run.SpecValidator;
import dev.rgal.toolkit.teacher.LoadedTeacher;
import dev.rgal.toolkit.teacher.TeacherRecipe;
import dev.rgal.toolkit.teacher.TeacherStore;
import dev.rgal.toolkit.teacher.TeacherTrainer;
import dev.rgal.toolkit.train.KdTrainer;
import dev.rgal.toolkit.zoo.Zoo;
import dev.rgal.toolkit.zoo.ZooNet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RGAL's components wired into real runs. */
class RgalComponentsTest {
  static Path teacherDir;
  @TempDir Path tmp;

  @BeforeAll
  static void trainTeacher() throws Exception {
    teacherDir = Files.createTempDirectory("rgal-teacher").resolve("t");
    TeacherTrainer.train(new TeacherTrainer.Request("fashion-mnist", null, "lenet5-bn",
        TeacherRecipe.fashionMnistDefault().withEpochs(1), teacherDir, false, 6000), Zoo.factories(), Progress.silent(), e -> {});
  }

  @Test
  void theRgalTrainersDefaultTermsAreWrittenIntoTheSpecUnlessItNamesOne() {
    try (PluginHost host = PluginHost.discover(); Distiller d = new Distiller(host, Progress.silent())) {
      RunSpec alone = d.spec("plain", null, Map.of("trainer.name", "rgal"));
      assertEquals(List.of("rgal-relation 0.1 {precision=reproduce}", "rgal-cd 0.1 {}"), alone.studentTerms().stream()
          .map(t -> t.name() + " " + t.weight() + " " + t.settings().values()).toList());
      assertEquals(alone.trainer().settings(), d.spec("plain", null, Map.of()).trainer().settings(),
          "the rgal trainer takes the kd options, carried over");
      // naming one of them, even switched off, is the user's choice: nothing is added
      RunSpec ablated = d.spec("plain", null, Map.of("trainer.name", "rgal", "studentTerms.rgal-cd.weight", "0"));
      assertEquals(List.of("rgal-cd"), ablated.studentTerms().stream().map(TermSpec::name).toList());
      // and a typo in one of its options is caught like any other
      DfkdException e = assertThrows(DfkdException.class, () -> d.spec("plain+rgal", null,
          Map.of("studentTerms.rgal-relation.settings.precison", "well-defined")));
      assertTrue(e.getMessage().contains("did you mean precision?"), e.getMessage());
    }
  }

  @Test
  void extensionAddsBothComponentsAndLeavesTheBaseAlone() {
    try (PluginHost host = PluginHost.discover(); Distiller d = new Distiller(host, Progress.silent())) {
      RunSpec base = d.spec("plain", null, Map.of());
      RunSpec plus = d.spec("plain+rgal", null, Map.of());
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
      RunSpec released = d.spec("rgal", null, Map.of());
      assertEquals("rgal", released.synthesizer().name());
      assertTrue(released.synthesisTerms().stream().noneMatch(t -> t.name().equals("cmi-contrastive")));
    }
  }

  @Test
  void studentRelationLossFallsAndCdAdaptersLearn() throws Exception {
    try (PluginHost host = PluginHost.discover(); NDManager run = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(1);
      LoadedTeacher teacher = TeacherStore.load(teacherDir, Zoo.factories(), run);
      ZooNet student = Zoo.create("lenet5-half-bn", run, 1, 32, 32, 10);
      RunSpec spec = new Distiller(host, Progress.silent()).spec("plain+rgal", null,
          Map.of("schedule.kdStepsPerEpoch", "15", "trainer.settings.batchSize", "128"));
      SpecValidator validator = new SpecValidator(host);
      ComponentRequest req = new ComponentRequest(
          validator.options(Registry.STUDENT_TRAINERS, "rgal", spec.trainer().settings(), "trainer"),
          spec.seed(), teacher.net().info(), student.info(), teacher.metadata().dataSpec(), run);
      List<WeightedTerm<StudentTerm>> terms = new ArrayList<>();
      RelationStudentTerm relation = new RelationStudentTerm(req.withOptions(
          validator.options(Registry.STUDENT_TERMS, "rgal-relation", spec.studentTerms().get(0).settings(), "studentTerms.rgal-relation")));
      ChannelDistillationTerm cd = new ChannelDistillationTerm(req.withOptions(OptionValues.defaults(Options.none())));
      terms.add(new WeightedTerm<>("rgal-relation", 0.1, relation));
      terms.add(new WeightedTerm<>("rgal-cd", 0.1, cd));
      List<float[]> adapterBefore = new ArrayList<>();
      for (Block b : cd.trainableBlocks()) {
        KdTrainer.trainable(b).forEach(a -> adapterBefore.add(a.toFloatArray()));
      }
      StudentTrainer trainer = host.require(Registry.STUDENT_TRAINERS, StudentTrainerFactory.class, "rgal").create(req, student, terms);
      // the pool: images the trainer has never seen labels of (un-augmented test images)
      ImageDataset images = Datasets.open("fashion-mnist", null, Datasets.Split.TEST).take(512);
      try (InMemoryDataPool pool = InMemoryDataPool.open(tmp.resolve("pool.bin"), teacher.metadata().dataSpec(), spec.kdAugmentation())) {
        int[] all = new int[512];
        for (int i = 0; i < all.length; i++) {
          all[i] = i;
        }
        try (NDManager m = run.newSubManager()) {
          pool.add(images.batch(m, all).get(0));
        }
        List<Double> relationLoss = new ArrayList<>();
        for (int epoch = 0; epoch < 4; epoch++) {
          try (NDManager em = run.newSubManager()) {
            TrainingSummary s = trainer.trainEpoch(new StudentContext(teacher.net(), student, pool, terms, epoch, 4, spec.schedule().kdStepsPerEpoch(), em, new Random(epoch)));
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
    try (PluginHost host = PluginHost.discover(); Distiller d = new Distiller(host, Progress.silent())) {
      DistillResult r = d.run(new DistillRequest(teacherDir, d.spec("plain+rgal", null, Map.of()),
          Path.of("/usr/share/datasets/fashion-mnist"), tmp.resolve("run"), false, null));
      assertTrue(r.lastAccuracy() > 0.25, "student accuracy " + r.lastAccuracy());
      assertTrue(r.history().get(1).losses().containsKey("synth.rgal-relation"), r.history().get(1).losses().toString());
      assertTrue(Double.isFinite(r.history().get(1).losses().get("rgal-relation")));
    }
  }
}
