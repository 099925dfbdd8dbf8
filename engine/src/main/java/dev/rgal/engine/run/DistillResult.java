package dev.rgal.engine.run;

import java.nio.file.Path;
import java.util.List;

/**
 * What a finished run produced.
 *
 * @param outDir the run directory
 * @param studentWeights the final student weights
 * @param teacherAccuracy teacher top-1 on the test data (NaN without)
 * @param lastAccuracy student top-1 after the last epoch (NaN without test data)
 * @param bestAccuracy best epoch's student top-1
 * @param bestEpoch 0-based epoch of the best accuracy (−1 without test data)
 * @param synthesisMinutes total synthesis wall time
 * @param kdMinutes total student-training wall time
 * @param imagesSynthesized the data budget
 * @param history every epoch's report
 */
public record DistillResult(
    Path outDir, Path studentWeights, double teacherAccuracy, double lastAccuracy,
    double bestAccuracy, int bestEpoch, double synthesisMinutes, double kdMinutes,
    int imagesSynthesized, List<EpochReport> history) {
  public DistillResult {
    history = List.copyOf(history);
  }
}
