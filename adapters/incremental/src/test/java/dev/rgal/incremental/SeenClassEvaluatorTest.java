package dev.rgal.incremental;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.rgal.incremental.AccuracyMatrix.Averaging;
import dev.rgal.testkit.Workbench;
import dev.rgal.toolkit.data.Datasets;
import dev.rgal.toolkit.data.ImageDataset;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The seen-class head slice, and the matrix of a real (tiny) all-class teacher under the identity order. */
class SeenClassEvaluatorTest {
  @Test
  void thePredictionIgnoresLogitsOfClassesNotSeenYet() {
    try (NDManager m = NDManager.newBaseManager()) {
      // the best logit overall is class 3, but only classes 0..1 are seen
      var logits = m.create(new float[] {0.1f, 0.5f, 0.2f, 9f, 0.9f, 0.3f, 0.0f, 7f}, new ai.djl.ndarray.types.Shape(2, 4));
      assertArrayEquals(new long[] {1, 0}, SeenClassEvaluator.predict(logits, 2).toLongArray());
      assertArrayEquals(new long[] {3, 3}, SeenClassEvaluator.predict(logits, 4).toLongArray());
    }
  }

  @Test
  void aTeacherOfAllClassesScoresAboveChanceOnEverySeenTaskAndTheSliceHelpsEarlyTasks() {
    ImageDataset test = Datasets.open("fashion-mnist", Path.of("/usr/share/datasets/fashion-mnist"), Datasets.Split.TEST);
    // the identity order keeps the teacher's logits aligned with the run's labels
    IncrementalScenario s = IncrementalScenario.of(ClassOrder.parse("0,1,2,3,4,5,6,7,8,9", 10), TaskSplit.parse("b0-inc2", 10));
    AccuracyMatrix m = new AccuracyMatrix(s.tasks());
    try (Workbench bench = Workbench.withTinyTeacher(); NDManager scope = bench.manager().newSubManager()) {
      for (int t = 1; t <= s.tasks(); t++) {
        SeenClassEvaluator.afterTask(bench.teacher(), s, test, t, m, bench.data(), scope);
      }
    }
    for (int t = 1; t <= s.tasks(); t++) {
      assertTrue(m.complete(t));
    }
    double allClasses = m.finalAccuracy(Averaging.POOLED);
    assertTrue(allClasses > 0.5, "the tiny teacher is ~70% on all ten classes: " + allClasses);
    // restricted to two classes, the teacher can only do better on task 1's images
    assertTrue(m.accuracy(1, 1) >= m.accuracy(5, 1), m.toCsv());
    assertEquals(m.finalAccuracy(Averaging.POOLED), m.finalAccuracy(Averaging.MEAN_OF_TASKS), 1e-12, "equal tasks: equal conventions");
  }
}
