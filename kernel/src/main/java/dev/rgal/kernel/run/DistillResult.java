package dev.rgal.kernel.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * What a finished run produced.
 *
 * @param outDir the run directory
 * @param studentWeights the task's model file: for distillation the final student weights
 *     (safetensors with PyTorch state-dict names), for another task its deployable model
 * @param teacherAccuracy teacher top-1 on the test data (NaN without)
 * @param lastAccuracy student top-1 after the last epoch (NaN without test data)
 * @param bestAccuracy best epoch's student top-1
 * @param bestEpoch 0-based epoch of the best accuracy (−1 without test data)
 * @param synthesisMinutes total synthesis wall time
 * @param kdMinutes total student-training wall time
 * @param imagesSynthesized the data budget
 * @param history every epoch's report
 * @param runId the tracked run's id, or null when the run was not tracked
 * @param taskMetrics the task's own final figures (e.g. accuracy before fine-tuning), in its order
 */
public record DistillResult(
    Path outDir, Path studentWeights, double teacherAccuracy, double lastAccuracy,
    double bestAccuracy, int bestEpoch, double synthesisMinutes, double kdMinutes,
    int imagesSynthesized, List<EpochReport> history, @Nullable String runId, Map<String, Double> taskMetrics) {
  public DistillResult {
    history = List.copyOf(history);
    taskMetrics = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(taskMetrics));
  }

  /** An untracked result (the constructor before {@code runId} existed). */
  public DistillResult(
      Path outDir, Path studentWeights, double teacherAccuracy, double lastAccuracy,
      double bestAccuracy, int bestEpoch, double synthesisMinutes, double kdMinutes,
      int imagesSynthesized, List<EpochReport> history) {
    this(outDir, studentWeights, teacherAccuracy, lastAccuracy, bestAccuracy, bestEpoch,
        synthesisMinutes, kdMinutes, imagesSynthesized, history, null, Map.of());
  }

  /** The same result tagged with a tracked run's id. */
  public DistillResult withRunId(@Nullable String id) {
    return new DistillResult(outDir, studentWeights, teacherAccuracy, lastAccuracy, bestAccuracy,
        bestEpoch, synthesisMinutes, kdMinutes, imagesSynthesized, history, id, taskMetrics);
  }

  /**
   * The files the run left that a user looks at, by path relative to {@link #outDir()}, in a
   * stable order: {@code student.params}, {@code spec.json}, {@code summary.json},
   * {@code accuracy.png}, then {@code samples/epoch-NNN.png}. Only files that exist are listed.
   */
  public Map<String, Path> artifacts() {
    Map<String, Path> m = new LinkedHashMap<>();
    List<String> names = new java.util.ArrayList<>(List.of(outDir.relativize(studentWeights).toString()));
    for (String name : List.of("student.params", "spec.json", "summary.json", "accuracy.png")) {
      if (!names.contains(name)) {
        names.add(name);
      }
    }
    for (String name : names) {
      Path p = outDir.resolve(name);
      if (Files.isRegularFile(p)) {
        m.put(name, p);
      }
    }
    Path samples = outDir.resolve("samples");
    if (Files.isDirectory(samples)) {
      try (Stream<Path> s = Files.list(samples)) {
        s.filter(p -> p.getFileName().toString().endsWith(".png")).sorted()
            .forEach(p -> m.put("samples/" + p.getFileName(), p));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return m;
  }
}
