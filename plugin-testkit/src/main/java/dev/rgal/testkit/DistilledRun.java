package dev.rgal.testkit;

import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a short real distillation ({@link PluginHarness#distill}) produced.
 *
 * @param runDir the run directory ({@code spec.json}, {@code checkpoint/}, {@code student.params}, …)
 * @param studentWeights the final student weights
 * @param teacherAccuracy teacher top-1 on the test images (NaN without test data)
 * @param lastAccuracy student top-1 after the last epoch (NaN without test data)
 * @param bestAccuracy the best epoch's student top-1
 * @param imagesSynthesized every image the synthesizer produced (warm-up calls included)
 * @param synthesisSeconds synthesis wall time
 * @param kdSeconds student-training wall time
 * @param epochs every epoch, in order
 * @param runId the tracked run's id, null when untracked
 */
public record DistilledRun(
    Path runDir, Path studentWeights, double teacherAccuracy, double lastAccuracy, double bestAccuracy,
    int imagesSynthesized, double synthesisSeconds, double kdSeconds, List<EpochResult> epochs,
    @Nullable String runId) {
  public DistilledRun {
    epochs = List.copyOf(epochs);
  }

  /** Student accuracy per epoch, for messages. */
  public List<Double> accuracies() {
    return epochs.stream().map(EpochResult::accuracy).toList();
  }
}
