package dev.rgal.api.task;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * What a task wrote at the end of a run.
 *
 * @param model the file a user deploys or reloads (e.g. {@code student.params}, a quantized-model
 *     file), inside the run directory
 * @param artifacts further files to log with the tracked run (the model is logged too)
 * @param metrics final metrics to log and to write into {@code summary.json} under {@code task}
 */
@API(status = EXPERIMENTAL, since = "0.2")
public record TaskResult(Path model, List<Path> artifacts, Map<String, Double> metrics) {
  public TaskResult {
    artifacts = List.copyOf(artifacts);
    metrics = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
  }

  /** A result that is just the model file. */
  public static TaskResult of(Path model) {
    return new TaskResult(model, List.of(), Map.of());
  }
}
