package dev.rgal.incremental;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

import java.util.Map;

/** Trains the model on one task. */
@API(status = EXPERIMENTAL, since = "0.2")
@FunctionalInterface
public interface IncrementalLearner {
  /**
   * Trains {@link LearnerContext#model()} on task {@link LearnerContext#task()}, reading real
   * images only through {@link LearnerContext#data()}.
   *
   * @return figures of the task's training to log (e.g. the last epoch's mean loss), possibly empty
   */
  Map<String, Double> trainTask(LearnerContext ctx);
}
