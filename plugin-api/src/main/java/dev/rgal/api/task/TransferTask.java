package dev.rgal.api.task;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.rgal.api.Stateful;
import dev.rgal.api.model.FeatureNet;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * One run's transfer task. The host builds it first, trains {@link #student()} with the run's
 * synthesizer, terms and trainer, and calls it at two points of the epoch loop:
 * <ol>
 *   <li>{@link #beforeEpochs} once, after the warm-up synthesis calls and before the first epoch of
 *       a fresh run (never on resume): e.g. calibrate the student on pool images;</li>
 *   <li>{@link #finish} once, after the last epoch: write the task's result into the run
 *       directory.</li>
 * </ol>
 * Its state (e.g. calibrated ranges) is {@link Stateful}, saved in every checkpoint after the
 * student's weights and the components' state, so a resumed run continues exactly. A task that
 * also implements {@link dev.rgal.api.TagContributor} tags the tracked run. Closing releases the
 * student.
 */
@API(status = EXPERIMENTAL, since = "0.2")
public interface TransferTask extends Stateful, AutoCloseable {
  /** The net this run trains and evaluates: built by the task's factory, owned by the task. */
  FeatureNet student();

  /**
   * Prepares the student before the first epoch.
   *
   * @return metrics to log at step 0 (e.g. the accuracy before training), possibly empty
   */
  default Map<String, Double> beforeEpochs(TaskPhase phase) {
    return Map.of();
  }

  /**
   * Writes the task's result into {@link TaskPhase#runDir()} (atomically: a half-written file
   * must never look valid).
   */
  TaskResult finish(TaskPhase phase);

  @Override
  default void saveState(DataOutputStream out) {}

  @Override
  default void loadState(DataInputStream in) {}

  @Override
  default void close() {
    student().close();
  }
}
