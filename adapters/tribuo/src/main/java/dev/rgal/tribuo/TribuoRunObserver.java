package dev.rgal.tribuo;

import dev.rgal.toolkit.io.AtomicFiles;
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
    AtomicFiles.writeString(report, r.toText(), AtomicFiles.Existing.REPLACE);
    if (outcome.tracked() != null) {
      outcome.tracked().logMetrics(outcome.spec().schedule().epochs(), r.toMetrics());
      outcome.tracked().logArtifact(report, "");
    }
  }

}
