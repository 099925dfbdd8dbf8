package dev.rgal.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;

/** Assertions that a distillation taught the student something. */
public final class Learning {
  private Learning() {}

  /**
   * Fails unless the student's last accuracy on the real test images is at least
   * {@code minAccuracy}, which must be above chance ({@link FashionMnist#CHANCE}); the one-line
   * message gives every epoch's accuracy and the teacher's.
   */
  public static void assertStudentLearns(DistilledRun run, double minAccuracy) {
    if (!(minAccuracy > FashionMnist.CHANCE && minAccuracy <= 1)) {
      throw new IllegalArgumentException("minAccuracy must be above chance (" + FashionMnist.CHANCE
          + ") and at most 1, not " + minAccuracy);
    }
    if (Double.isNaN(run.lastAccuracy())) {
      throw new IllegalArgumentException("the run was not evaluated: run it with test data (RunRequest.of)");
    }
    assertTrue(run.lastAccuracy() >= minAccuracy, () -> String.format(Locale.ROOT,
        "student accuracy %.4f on the real test images is below %.2f (per epoch %s, teacher %.4f, run %s)",
        run.lastAccuracy(), minAccuracy, run.accuracies(), run.teacherAccuracy(), run.runDir()));
  }
}
