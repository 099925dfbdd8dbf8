package dev.rgal.toolkit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.rgal.api.Bindings.Registry;
import dev.rgal.api.ComponentRequest;
import dev.rgal.api.DfkdException;
import dev.rgal.api.RunSpec;
import dev.rgal.api.WeightedTerm;
import dev.rgal.api.training.StudentStep;
import dev.rgal.api.training.StudentTerm;
import dev.rgal.toolkit.teacher.Evaluation;
import dev.rgal.api.training.StudentContext;
import dev.rgal.toolkit.data.Datasets;
import dev.rgal.toolkit.data.ImageDataset;
import dev.rgal.toolkit.data.InMemoryDataPool;
import dev.rgal.toolkit.loss.Losses;
import dev.rgal.kernel.plugin.PluginHost;
import dev.rgal.toolkit.progress.Progress;
import dev.rgal.kernel.run.Distiller;
import dev.rgal.kernel.run.SpecValidator;
import dev.rgal.toolkit.teacher.LoadedTeacher;
import dev.rgal.toolkit.teacher.TeacherStore;
import dev.rgal.toolkit.teacher.TestTeachers;
import dev.rgal.toolkit.zoo.Zoo;
import dev.rgal.toolkit.zoo.ZooNet;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KdTrainerTest {
  @TempDir Path tmp;

  /**
   * Synthesis terms back-propagate through the student (the adversarial term) and leave gradients
   * on its weights; the KD step must not add them to its own. The reference zeroes gradients
   * before every backward; without that, the first KD step of each epoch applied the summed
   * adversarial gradients of a whole synthesis call.
   */
  @Test
  void aKdStepIgnoresGradientsLeftOnTheStudentBySynthesis() {
    try (PluginHost host = PluginHost.discover(); NDManager run = NDManager.newBaseManager()) {
      LoadedTeacher teacher = TeacherStore.load(TestTeachers.lenet5bn(), Zoo.factories(), run);
      RunSpec spec = new Distiller(host, Progress.silent()).spec("test", null,
          Map.of("schedule.kdStepsPerEpoch", "2", "trainer.settings.batchSize", "64"));
      Engine.getInstance().setRandomSeed(11);
      ZooNet clean = Zoo.create("lenet5-half-bn", run, 1, 32, 32, 10);
      Engine.getInstance().setRandomSeed(11);
      ZooNet polluted = Zoo.create("lenet5-half-bn", run, 1, 32, 32, 10);
      List<NDArray> cleanWeights = KdTrainer.trainable(clean.block());
      List<NDArray> pollutedWeights = KdTrainer.trainable(polluted.block());
      for (int i = 0; i < cleanWeights.size(); i++) {
        assertArrayEquals(cleanWeights.get(i).toFloatArray(), pollutedWeights.get(i).toFloatArray(), "same start");
      }
      ImageDataset images = Datasets.open("fashion-mnist", null, Datasets.Split.TEST).take(128);
      int[] all = new int[128];
      for (int i = 0; i < all.length; i++) {
        all[i] = i;
      }
      try (InMemoryDataPool pool = InMemoryDataPool.open(tmp.resolve("pool.bin"), teacher.metadata().dataSpec(), spec.kdAugmentation());
          NDManager m = run.newSubManager()) {
        pool.add(images.batch(m, all).get(0));
        // what an adversarial synthesis call does to the student: eval forward, backward
        NDArray x = pool.sample(m, 64, new Random(3));
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray adv = Losses.adversarial(polluted.forward(x, false).logits(), teacher.net().forward(x, false).logits());
          gc.backward(adv.mul(1000));
        }
        double left = 0;
        for (NDArray w : pollutedWeights) {
          left += w.getGradient().abs().sum().getFloat();
        }
        assertTrue(left > 1, "the synthesis-like backward left gradients on the student: " + left);

        for (ZooNet student : List.of(clean, polluted)) {
          ComponentRequest req = new ComponentRequest(
              new SpecValidator(host).options(Registry.STUDENT_TRAINERS, "kd", spec.trainer().settings(), "trainer"),
              spec.seed(), teacher.net().info(), student.info(), teacher.metadata().dataSpec(), run);
          try (KdTrainer trainer = new KdTrainer(req, student, List.of());
              NDManager em = run.newSubManager()) {
            trainer.trainEpoch(new StudentContext(teacher.net(), student, pool, List.of(), 0, 2, spec.schedule().kdStepsPerEpoch(), em, new Random(5)));
          }
        }
      }
      double moved = 0;
      for (int i = 0; i < cleanWeights.size(); i++) {
        float[] a = cleanWeights.get(i).toFloatArray();
        float[] b = pollutedWeights.get(i).toFloatArray();
        assertEquals(a.length, b.length);
        for (int k = 0; k < a.length; k++) {
          assertEquals(a[k], b[k], 1e-5, "weight " + i + "[" + k + "] after two KD steps");
        }
      }
      for (NDArray w : cleanWeights) {
        moved += w.getGradient().abs().sum().getFloat();
      }
      assertEquals(0, moved, 0.0, "gradients are zero after the step");
    }
  }

  /**
   * Mixing at KD time still distils: a student trained for 150 mixed steps on 1,024 real test
   * images (the teacher labels each mixture) classifies 2,000 other test images far above chance.
   */
  @Test
  void aStudentDistilledOnMixedBatchesLearns() {
    try (PluginHost host = PluginHost.discover(); NDManager run = NDManager.newBaseManager()) {
      LoadedTeacher teacher = TeacherStore.load(TestTeachers.lenet5bn(), Zoo.factories(), run);
      ImageDataset test = Datasets.open("fashion-mnist", null, Datasets.Split.TEST);
      ImageDataset train = test.take(1024);
      ImageDataset held = test.tail(2000);
      for (String kind : List.of(KdMixing.MIXUP, KdMixing.CUTMIX)) {
        RunSpec spec = new Distiller(host, Progress.silent()).spec("test", null,
            Map.of("schedule.kdStepsPerEpoch", "150", "trainer.settings.batchSize", "64", "trainer.settings.mix", kind));
        Engine.getInstance().setRandomSeed(3);
        ZooNet student = Zoo.create("lenet5-half-bn", run, 1, 32, 32, 10);
        int[] all = new int[train.size()];
        for (int i = 0; i < all.length; i++) {
          all[i] = i;
        }
        ComponentRequest req = new ComponentRequest(
            new SpecValidator(host).options(Registry.STUDENT_TRAINERS, "kd", spec.trainer().settings(), "trainer"),
            spec.seed(), teacher.net().info(), student.info(), teacher.metadata().dataSpec(), run);
        try (InMemoryDataPool pool = InMemoryDataPool.open(tmp.resolve(kind + ".bin"), teacher.metadata().dataSpec(), spec.kdAugmentation());
            KdTrainer trainer = new KdTrainer(req, student, List.of());
            NDManager m = run.newSubManager()) {
          pool.add(train.batch(m, all).get(0));
          trainer.trainEpoch(new StudentContext(teacher.net(), student, pool, List.of(), 0, 1, spec.schedule().kdStepsPerEpoch(), m, new Random(5)));
        }
        double accuracy = Evaluation.accuracy(student, held, teacher.metadata().dataSpec(), run);
        assertTrue(accuracy > 0.5, kind + ": held-out accuracy " + accuracy + " after 150 mixed KD steps (chance 0.1)");
      }
    }
  }

  @Test
  void mixingIsRefusedWithATermThatNeedsPairedViews() {
    try (PluginHost host = PluginHost.discover(); NDManager run = NDManager.newBaseManager()) {
      LoadedTeacher teacher = TeacherStore.load(TestTeachers.lenet5bn(), Zoo.factories(), run);
      RunSpec spec = new Distiller(host, Progress.silent()).spec("test", null, Map.of("trainer.settings.mix", "mixup"));
      ZooNet student = Zoo.create("lenet5-half-bn", run, 1, 32, 32, 10);
      ComponentRequest req = new ComponentRequest(
          new SpecValidator(host).options(Registry.STUDENT_TRAINERS, "kd", spec.trainer().settings(), "trainer"),
          spec.seed(), teacher.net().info(), student.info(), teacher.metadata().dataSpec(), run);
      StudentTerm pairedTerm = new StudentTerm() {
        @Override
        public NDArray loss(StudentStep step) {
          return step.student().logits().sum().mul(0);
        }

        @Override
        public boolean needsPairedViews() {
          return true;
        }
      };
      DfkdException e = assertThrows(DfkdException.class,
          () -> new KdTrainer(req, student, List.of(new WeightedTerm<>("paired", 1, pairedTerm))));
      assertTrue(e.getMessage().contains("trainer.settings.mix=none"), e.getMessage());
    }
  }

  /**
   * With crossEntropyWeight the stored labels are trained on: 1,024 real test images stored with
   * every label shifted by one class (so the teacher disagrees with each), CE weight 10, 150 steps;
   * on 1,000 other images the student then predicts the shifted class far above chance.
   */
  @Test
  void crossEntropyOnTheStoredLabelsIsLearned() {
    try (PluginHost host = PluginHost.discover(); NDManager run = NDManager.newBaseManager()) {
      LoadedTeacher teacher = TeacherStore.load(TestTeachers.lenet5bn(), Zoo.factories(), run);
      ImageDataset test = Datasets.open("fashion-mnist", null, Datasets.Split.TEST);
      RunSpec spec = new Distiller(host, Progress.silent()).spec("test", null, Map.of("schedule.kdStepsPerEpoch", "150",
          "trainer.settings.batchSize", "64", "trainer.settings.crossEntropyWeight", "10"));
      Engine.getInstance().setRandomSeed(3);
      ZooNet student = Zoo.create("lenet5-half-bn", run, 1, 32, 32, 10);
      ComponentRequest req = new ComponentRequest(
          new SpecValidator(host).options(Registry.STUDENT_TRAINERS, "kd", spec.trainer().settings(), "trainer"),
          spec.seed(), teacher.net().info(), student.info(), teacher.metadata().dataSpec(), run);
      try (InMemoryDataPool pool = InMemoryDataPool.open(tmp.resolve("shifted.bin"), teacher.metadata().dataSpec(), spec.kdAugmentation());
          InMemoryDataPool held = InMemoryDataPool.open(tmp.resolve("held.bin"), teacher.metadata().dataSpec(), spec.kdAugmentation());
          KdTrainer trainer = new KdTrainer(req, student, List.of());
          NDManager m = run.newSubManager()) {
        addShifted(pool, test.take(1024), m);
        addShifted(held, test.tail(1000), m);
        var summary = trainer.trainEpoch(new StudentContext(teacher.net(), student, pool, List.of(), 0, 1,
            spec.schedule().kdStepsPerEpoch(), m, new Random(5)));
        assertTrue(summary.meanLosses().containsKey("ce"), "the ce part is reported: " + summary.meanLosses());
        long[] predicted = student.forward(held.images(m, 0, 1000), false).logits().argMax(1).toLongArray();
        int agree = 0;
        for (int i = 0; i < predicted.length; i++) {
          agree += predicted[i] == held.label(i) ? 1 : 0;
        }
        assertTrue(agree > 400, agree + " of 1,000 held-out images predicted as their shifted label (chance 100)");
      }
    }
  }

  private static void addShifted(InMemoryDataPool pool, ImageDataset images, NDManager m) {
    int[] all = new int[images.size()];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    ai.djl.ndarray.NDList b = images.batch(m, all);
    pool.add(b.get(0), b.get(1).toType(ai.djl.ndarray.types.DataType.INT64, false).add(1).mod(10));
  }

  @Test
  void crossEntropyIsRefusedOnAnUnlabelledPoolAndWithMixing() {
    try (PluginHost host = PluginHost.discover(); NDManager run = NDManager.newBaseManager()) {
      LoadedTeacher teacher = TeacherStore.load(TestTeachers.lenet5bn(), Zoo.factories(), run);
      ZooNet student = Zoo.create("lenet5-half-bn", run, 1, 32, 32, 10);
      RunSpec mixed = new Distiller(host, Progress.silent()).spec("test", null,
          Map.of("trainer.settings.mix", "cutmix", "trainer.settings.crossEntropyWeight", "1"));
      ComponentRequest mixedReq = new ComponentRequest(
          new SpecValidator(host).options(Registry.STUDENT_TRAINERS, "kd", mixed.trainer().settings(), "trainer"),
          mixed.seed(), teacher.net().info(), student.info(), teacher.metadata().dataSpec(), run);
      DfkdException e = assertThrows(DfkdException.class, () -> new KdTrainer(mixedReq, student, List.of()));
      assertTrue(e.getMessage().contains("trainer.settings.mix=none"), e.getMessage());

      RunSpec spec = new Distiller(host, Progress.silent()).spec("test", null,
          Map.of("schedule.kdStepsPerEpoch", "2", "trainer.settings.crossEntropyWeight", "1"));
      ComponentRequest req = new ComponentRequest(
          new SpecValidator(host).options(Registry.STUDENT_TRAINERS, "kd", spec.trainer().settings(), "trainer"),
          spec.seed(), teacher.net().info(), student.info(), teacher.metadata().dataSpec(), run);
      try (InMemoryDataPool pool = InMemoryDataPool.open(tmp.resolve("plain.bin"), teacher.metadata().dataSpec(), spec.kdAugmentation());
          KdTrainer trainer = new KdTrainer(req, student, List.of());
          NDManager m = run.newSubManager()) {
        pool.add(Datasets.open("fashion-mnist", null, Datasets.Split.TEST).take(64).batch(m, new int[] {0, 1, 2, 3}).get(0));
        DfkdException u = assertThrows(DfkdException.class, () -> trainer.trainEpoch(new StudentContext(teacher.net(), student,
            pool, List.of(), 0, 1, 2, m, new Random(5))));
        assertTrue(u.getMessage().contains("trainer.settings.crossEntropyWeight=0"), u.getMessage());
      }
    }
  }
}
