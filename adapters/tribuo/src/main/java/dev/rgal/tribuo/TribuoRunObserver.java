package dev.rgal.tribuo;

import dev.rgal.api.DfkdException;
import dev.rgal.api.RunObserver;
import dev.rgal.api.RunOutcome;
import dev.rgal.toolkit.data.Datasets;
import dev.rgal.toolkit.data.ImageDataset;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * At the end of a distillation with test data: Tribuo figures of the student
 * ({@link TribuoEvaluation.Result#toMetrics()}) logged to the tracked run at the final step, and
 * {@code confusion-matrix.txt} (summary, per-class table, confusion matrix) written to the run
 * directory and logged as an artifact. Runs without test data are left alone.
 */
final class TribuoRunObserver implements RunObserver {
  static final String REPORT = "confusion-matrix.txt";

  @Override
  public void runFinished(RunOutcome outcome) {
    if (outcome.testDataDir() == null) {
      return;
    }
    ImageDataset test = Datasets.open(outcome.data().dataset(), outcome.testDataDir(), Datasets.Split.TEST);
    TribuoEvaluation.Result r = TribuoEvaluation.evaluate(outcome.student(), outcome.data(), test);
    Path report = outcome.runDir().resolve(REPORT);
    writeAtomically(report, r.toText());
    if (outcome.tracked() != null) {
      outcome.tracked().logMetrics(outcome.spec().schedule().epochs(), r.toMetrics());
      outcome.tracked().logArtifact(report, "");
    }
  }

  private static void writeAtomically(Path file, String text) {
    try {
      Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName() + ".", ".tmp");
      Files.writeString(tmp, text);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new DfkdException("cannot write " + file + " (" + e.getMessage() + "): check the run directory");
    }
  }
}
