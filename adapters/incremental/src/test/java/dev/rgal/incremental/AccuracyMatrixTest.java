package dev.rgal.incremental;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rgal.incremental.AccuracyMatrix.Averaging;
import org.junit.jupiter.api.Test;

/** The metrics of spec §2 against values worked out by hand. */
class AccuracyMatrixTest {
  /**
   * A half-base run: task 1 has 5 classes (5,000 test images), tasks 2 and 3 one class each (1,000).
   * <pre>
   * after 1: a11 = 0.90
   * after 2: a21 = 0.80, a22 = 0.50
   * after 3: a31 = 0.70, a32 = 0.30, a33 = 0.60
   * </pre>
   */
  private static AccuracyMatrix halfBase() {
    AccuracyMatrix m = new AccuracyMatrix(3);
    m.record(1, 1, 4500, 5000);
    m.record(2, 1, 4000, 5000);
    m.record(2, 2, 500, 1000);
    m.record(3, 1, 3500, 5000);
    m.record(3, 2, 300, 1000);
    m.record(3, 3, 600, 1000);
    return m;
  }

  @Test
  void theTwoConventionsDifferWhenTasksDifferInSize() {
    AccuracyMatrix m = halfBase();
    // ABD: mean over tasks
    assertEquals(0.90, m.accuracyAfter(1, Averaging.MEAN_OF_TASKS), 1e-12);
    assertEquals((0.80 + 0.50) / 2, m.accuracyAfter(2, Averaging.MEAN_OF_TASKS), 1e-12);
    assertEquals((0.70 + 0.30 + 0.60) / 3, m.finalAccuracy(Averaging.MEAN_OF_TASKS), 1e-12);
    // RD: pooled images: (4000 + 500) / 6000 = 0.75; (3500 + 300 + 600) / 7000
    assertEquals(0.75, m.accuracyAfter(2, Averaging.POOLED), 1e-12);
    assertEquals(4400.0 / 7000, m.finalAccuracy(Averaging.POOLED), 1e-12);
    // Ā with the base state: (0.90 + 0.65 + 0.5333…) / 3; without: (0.65 + 0.5333…) / 2
    assertEquals((0.90 + 0.65 + 1.6 / 3) / 3, m.averageIncremental(Averaging.MEAN_OF_TASKS, true), 1e-12);
    assertEquals((0.65 + 1.6 / 3) / 2, m.averageIncremental(Averaging.MEAN_OF_TASKS, false), 1e-12);
    assertEquals((0.90 + 0.75 + 4400.0 / 7000) / 3, m.averageIncremental(Averaging.POOLED, true), 1e-12);
  }

  @Test
  void forgettingIsTheMeanDropFromEachOldTasksBestEarlierAccuracy() {
    AccuracyMatrix m = halfBase();
    // task 1: best of a11, a21 = 0.90, now 0.70 → 0.20; task 2: best of a22 = 0.50, now 0.30 → 0.20
    assertEquals(0.20, m.forgetting(), 1e-12);
    // old/new after task 3: old = (3500 + 300) / 6000, new = a33
    assertEquals(3800.0 / 6000, m.oldAccuracy(3), 1e-12);
    assertEquals(0.60, m.newAccuracy(3), 1e-12);
    assertTrue(Double.isNaN(m.oldAccuracy(1)), "no old classes after the first task");
  }

  @Test
  void equalTasksGiveEqualConventionsAndTheCsvHoldsTheLowerTriangle() {
    AccuracyMatrix m = new AccuracyMatrix(2);
    m.record(1, 1, 950, 1000);
    m.record(2, 1, 600, 1000);
    m.record(2, 2, 900, 1000);
    assertEquals(m.finalAccuracy(Averaging.POOLED), m.finalAccuracy(Averaging.MEAN_OF_TASKS), 1e-12);
    assertEquals("after_task,task_1,task_2\n1,0.950000,\n2,0.600000,0.900000\n", m.toCsv());
    assertEquals(0.35, m.forgetting(), 1e-12);
  }

  @Test
  void cellsOutsideTheTriangleOrUnrecordedAreRefused() {
    AccuracyMatrix m = new AccuracyMatrix(2);
    assertThrows(IllegalArgumentException.class, () -> m.record(1, 2, 1, 10), "task 2 is not seen after task 1");
    assertThrows(IllegalArgumentException.class, () -> m.record(1, 1, 11, 10));
    assertThrows(IllegalStateException.class, () -> m.accuracy(2, 1));
    assertEquals(false, m.complete(1));
  }
}
