package dev.rgal.incremental;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.rgal.api.DfkdException;
import dev.rgal.toolkit.data.Datasets;
import dev.rgal.toolkit.teacher.LoadedTeacher;
import dev.rgal.toolkit.progress.Progress;
import dev.rgal.toolkit.teacher.TeacherStore;
import dev.rgal.toolkit.zoo.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole runs on real Fashion-MNIST at a tiny size: two tasks of five classes (order O0), one
 * epoch, 2,000 real images per task.
 */
class IncrementalRunTest {
  @TempDir Path tmp;
  /** One fine-tuning run shared by the comparisons (the lower bound every method is held against). */
  @TempDir static Path shared;
  private static IncrementalRun.Result ftRun;

  private static synchronized IncrementalRun.Result ft() {
    if (ftRun == null) {
      ftRun = run(request("ft", shared.resolve("ft"), false, "5,5"), new ArrayList<>());
    }
    return ftRun;
  }

  private static IncrementalRun.Request request(String method, Path out, boolean resume, String split) {
    return new IncrementalRun.Request("fashion-mnist", null, null, "lenet5-bn", ClassOrder.named().get("O0"),
        TaskSplit.parse(split, 10), method, new IncrementalSchedule(1, 64, 1e-3, 2, true, 2000, 100), 0, out, resume);
  }

  private static IncrementalRun.Result run(IncrementalRun.Request r, List<IncrementalRun.TaskReport> reports) {
    return IncrementalRun.run(r, Zoo.factories(), Progress.silent(), reports::add);
  }

  @Test
  void fineTuningLearnsEachTaskAndForgetsTheFirstWhileReadingOnlyItsOwnClasses() throws Exception {
    List<IncrementalRun.TaskReport> reports = new ArrayList<>();
    IncrementalRun.Result r = run(request("ft", tmp.resolve("ft"), false, "5,5"), reports);
    AccuracyMatrix m = r.matrix();
    assertTrue(m.accuracy(1, 1) > 0.6, "task 1 learned (5 classes, chance 0.2): " + m.accuracy(1, 1));
    assertTrue(m.accuracy(2, 2) > 0.6, "task 2 learned: " + m.accuracy(2, 2));
    assertTrue(m.accuracy(2, 1) < 0.5 * m.accuracy(1, 1), "fine-tuning forgets task 1: " + m.accuracy(2, 1));
    assertTrue(r.finalMetrics().get("final.forgetting") > 0.3, "forgetting " + r.finalMetrics());
    // the data rule: O0 = [7, 8, 1, 5, 3 | 4, 2, 0, 9, 6]
    assertEquals(Set.of(1, 3, 5, 7, 8), r.realClassesTouched().get(1));
    assertEquals(Set.of(0, 2, 4, 6, 9), r.realClassesTouched().get(2));
    assertEquals(2, reports.size());
    assertEquals(m.oldAccuracy(2), reports.get(1).metrics().get("old_accuracy"));
    for (int t = 1; t <= 2; t++) {
      assertTrue(Files.isRegularFile(IncrementalRun.taskDir(tmp.resolve("ft"), t).resolve(TeacherStore.METADATA)));
    }
    assertTrue(Files.readString(r.matrixCsv()).lines().count() > 2, "matrix.csv written");
    // after task 1 the seen classes are task 1's own: task-aware and task-agnostic accuracy coincide
    assertEquals(m.accuracy(1, 1), taskAware(tmp.resolve("ft"), 1), 1e-12);
    assertTrue(taskAware(tmp.resolve("ft"), 2) >= m.accuracy(2, 1), "restricting to task 1's logits can only help");
  }

  @Test
  void lwfForgetsLessThanFineTuningAndJointIsTheOnlyOneGivenOldRealData() {
    IncrementalRun.Result ft = ft();
    IncrementalRun.Result lwf = run(request("lwf", tmp.resolve("lwf"), false, "5,5"), new ArrayList<>());
    IncrementalRun.Result joint = run(request("joint", tmp.resolve("joint"), false, "5,5"), new ArrayList<>());
    // single-head LwF does not stop the new logits from winning (task-agnostic a_{2,1} stays low, as
    // in ABD's tables); what it does is keep M_1's answers over the old logits on the new images
    double ftKept = oldLogitAgreement(shared.resolve("ft"));
    double lwfKept = oldLogitAgreement(tmp.resolve("lwf"));
    System.out.printf("old-logit agreement with M_1 on task-2 images: ft %.4f, lwf %.4f%n", ftKept, lwfKept);
    assertTrue(lwfKept > ftKept + 0.1, "LwF keeps M_1's old-logit answers: lwf " + lwfKept + " vs ft " + ftKept);
    assertTrue(joint.matrix().accuracy(2, 1) > 0.6, "joint remembers task 1: " + joint.matrix().accuracy(2, 1));
    assertEquals(new TreeSet<>(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9)), joint.realClassesTouched().get(2));
    assertEquals(Set.of(0, 2, 4, 6, 9), lwf.realClassesTouched().get(2));
  }

  /**
   * ABD keeps task 1 alive through replay inverted from the frozen task-1 model, where fine-tuning
   * loses it entirely; the real images read are still only each task's own.
   */
  @Test
  void abdRemembersTheFirstTaskThroughInversionAloneWhereFineTuningForgetsIt() throws Exception {
    IncrementalRun.Result ft = ft();
    List<IncrementalRun.TaskReport> reports = new ArrayList<>();
    IncrementalRun.Result abd = run(request("abd", tmp.resolve("abd"), false, "5,5"), reports);
    System.out.printf("a_{2,1}: ft %.4f, abd %.4f; abd a_{2,2} %.4f; %s%n", ft.matrix().accuracy(2, 1),
        abd.matrix().accuracy(2, 1), abd.matrix().accuracy(2, 2), reports.get(1).metrics());
    assertTrue(abd.matrix().accuracy(2, 1) > ft.matrix().accuracy(2, 1) + 0.15,
        "abd " + abd.matrix().accuracy(2, 1) + " vs ft " + ft.matrix().accuracy(2, 1));
    assertTrue(abd.matrix().accuracy(2, 2) > 0.4, "and still learns task 2: " + abd.matrix().accuracy(2, 2));
    assertEquals(Set.of(0, 2, 4, 6, 9), abd.realClassesTouched().get(2));
    assertEquals(64.0 * (2000 / 64), reports.get(1).metrics().get("train_synthetic_images"), "one synthetic image per real one");
    assertTrue(Files.isRegularFile(tmp.resolve("abd/replay-task-2.png")), "a labelled grid of the replay");
    assertTrue(Files.isRegularFile(tmp.resolve("abd/" + IncrementalRun.PLOT)), "the accuracy plot");
  }

  /** R-DFCIL likewise keeps task 1 alive from inversion alone, and its head refinement runs. */
  @Test
  void rdfcilRemembersTheFirstTaskThroughInversionAlone() {
    IncrementalRun.Result ft = ft();
    List<IncrementalRun.TaskReport> reports = new ArrayList<>();
    IncrementalRun.Result rd = run(request("rdfcil", tmp.resolve("rd"), false, "5,5"), reports);
    System.out.printf("a_{2,1}: ft %.4f, rdfcil %.4f; rdfcil a_{2,2} %.4f; %s%n", ft.matrix().accuracy(2, 1),
        rd.matrix().accuracy(2, 1), rd.matrix().accuracy(2, 2), reports.get(1).metrics());
    assertTrue(rd.matrix().accuracy(2, 1) > ft.matrix().accuracy(2, 1) + 0.1,
        "rdfcil " + rd.matrix().accuracy(2, 1) + " vs ft " + ft.matrix().accuracy(2, 1));
    assertTrue(rd.matrix().accuracy(1, 1) > 0.4, "task 1 learned on its bias-free head: " + rd.matrix().accuracy(1, 1));
    assertTrue(Double.isFinite(reports.get(1).metrics().get("train_phase_b_loss")), "phase B ran");
    assertEquals(Set.of(0, 2, 4, 6, 9), rd.realClassesTouched().get(2));
  }

  /** How often M_2's argmax over the old logits [0, K_o) equals M_1's, on the test images of task 2. */
  private static double oldLogitAgreement(Path run) {
    IncrementalScenario scenario = IncrementalScenario.of(ClassOrder.named().get("O0"), TaskSplit.parse("5,5", 10));
    try (NDManager m = NDManager.newBaseManager()) {
      LoadedTeacher m1 = TeacherStore.load(IncrementalRun.taskDir(run, 1), Zoo.factories(), m);
      LoadedTeacher m2 = TeacherStore.load(IncrementalRun.taskDir(run, 2), Zoo.factories(), m);
      dev.rgal.toolkit.data.ImageDataset images = scenario.testOfTask(Datasets.open("fashion-mnist", null, Datasets.Split.TEST), 2);
      long same = dev.rgal.toolkit.teacher.Evaluation.count(images, m1.metadata().dataSpec(), m, (x, labels) ->
          Heads.slice(m1.net().forward(x, false).logits(), 0, 5).argMax(1)
              .eq(Heads.slice(m2.net().forward(x, false).logits(), 0, 5).argMax(1)).sum().getLong());
      m1.net().close();
      m2.net().close();
      return (double) same / images.size();
    }
  }

  private static double taskAware(Path run, int modelAfterTask) {
    IncrementalScenario scenario = IncrementalScenario.of(ClassOrder.named().get("O0"), TaskSplit.parse("5,5", 10));
    try (NDManager m = NDManager.newBaseManager()) {
      LoadedTeacher t = TeacherStore.load(IncrementalRun.taskDir(run, modelAfterTask), Zoo.factories(), m);
      double a = SeenClassEvaluator.taskAwareAccuracy(t.net(), scenario,
          Datasets.open("fashion-mnist", null, Datasets.Split.TEST), 1, t.metadata().dataSpec(), m);
      t.net().close();
      return a;
    }
  }

  @Test
  void aRunResumesAfterItsLastCompleteTaskAndRefusesADifferentSplit() throws Exception {
    Path out = tmp.resolve("run");
    IncrementalRun.Result full = run(request("ft", out, false, "5,5"), new ArrayList<>());
    // as if killed during task 2: its model directory never got written
    Path task2 = IncrementalRun.taskDir(out, 2);
    try (var walk = Files.walk(task2)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    DfkdException e = assertThrows(DfkdException.class, () -> run(request("ft", out, true, "6,4"), new ArrayList<>()));
    assertTrue(e.getMessage().contains("different split"), e.getMessage());
    assertFalse(Files.exists(task2), "a refused resume writes nothing");
    List<IncrementalRun.TaskReport> reports = new ArrayList<>();
    IncrementalRun.Result resumed = run(request("ft", out, true, "5,5"), reports);
    assertEquals(1, resumed.tasksResumed());
    assertTrue(reports.get(0).resumed());
    assertEquals(full.matrix().accuracy(1, 1), resumed.matrix().accuracy(1, 1), 0.0, "task 1 re-evaluated from its saved model");
    assertTrue(resumed.matrix().accuracy(2, 2) > 0.6, "task 2 trained after the resume: " + resumed.matrix().accuracy(2, 2));
    assertTrue(Files.isRegularFile(task2.resolve(TeacherStore.METADATA)));
  }

  @Test
  void badInputIsOneLineAndWritesNothing() throws Exception {
    Path out = tmp.resolve("bad");
    DfkdException bn = assertThrows(DfkdException.class, () -> IncrementalRun.run(
        new IncrementalRun.Request("fashion-mnist", null, null, "lenet5", ClassOrder.named().get("O0"), TaskSplit.parse("5,5", 10),
            "bn-probe", IncrementalSchedule.fmnistNeil(), 0, out, false), Zoo.factories(), Progress.silent(), x -> {}));
    assertTrue(bn.getMessage().contains("no BatchNorm layer"), bn.getMessage());
    assertFalse(Files.exists(out));
    DfkdException unknown = assertThrows(DfkdException.class, () -> run(request("abc", out, false, "5,5"), new ArrayList<>()));
    assertTrue(unknown.getMessage().contains("known: ") && unknown.getMessage().contains("lwf"), unknown.getMessage());
    Files.createDirectories(out);
    Files.writeString(out.resolve("notes.txt"), "mine");
    DfkdException busy = assertThrows(DfkdException.class, () -> run(request("ft", out, false, "5,5"), new ArrayList<>()));
    assertTrue(busy.getMessage().contains("--resume"), busy.getMessage());
    assertEquals("mine", Files.readString(out.resolve("notes.txt")));
    DfkdException noRun = assertThrows(DfkdException.class, () -> run(request("ft", tmp.resolve("none"), true, "5,5"), new ArrayList<>()));
    assertTrue(noRun.getMessage().contains("holds no incremental run"), noRun.getMessage());
  }
}
