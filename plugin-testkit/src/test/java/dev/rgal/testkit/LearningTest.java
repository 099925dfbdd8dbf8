package dev.rgal.testkit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** The learning assertion passes, fails and refuses exactly when it says. */
class LearningTest {
  private static DistilledRun run(double... accuracies) {
    List<EpochResult> epochs = new java.util.ArrayList<>();
    for (int e = 0; e < accuracies.length; e++) {
      epochs.add(new EpochResult(e, accuracies[e], 64 * (e + 1), Map.of("kd", 1.0)));
    }
    double last = accuracies[accuracies.length - 1];
    return new DistilledRun(Path.of("run"), Path.of("run/student.params"), 0.7, last, last,
        64 * accuracies.length, 1, 1, epochs, null);
  }

  @Test
  void passesAtOrAboveTheBarAndFailsBelowItInOneLine() {
    assertDoesNotThrow(() -> Learning.assertStudentLearns(run(0.2, 0.35), 0.35));
    AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> Learning.assertStudentLearns(run(0.2, 0.29), 0.3));
    assertTrue(e.getMessage().contains("student accuracy 0.2900") && e.getMessage().contains("below 0.30")
        && e.getMessage().contains("[0.2, 0.29]") && e.getMessage().contains("teacher 0.7000"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void aBarAtChanceOrARunWithoutTestDataIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> Learning.assertStudentLearns(run(0.5), 0.1));
    assertThrows(IllegalArgumentException.class, () -> Learning.assertStudentLearns(run(0.5), 1.5));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Learning.assertStudentLearns(run(Double.NaN), 0.3));
    assertTrue(e.getMessage().contains("test data"), e.getMessage());
  }
}
