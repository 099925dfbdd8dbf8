package dev.rgal.api.task;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import ai.djl.ndarray.NDManager;
import dev.rgal.api.model.FeatureNet;
import dev.rgal.api.training.DataPool;
import java.nio.file.Path;
import java.util.Random;
import org.apiguardian.api.API;

/**
 * What a task sees at one of its two calls.
 *
 * @param teacher the frozen teacher
 * @param student the task's student
 * @param pool the run's pool of synthetic (or, for a source marked real, real) images
 * @param synthesis asks the run for one more synthesis call into the pool (counted, timed and
 *     checkpointed like the schedule's calls)
 * @param evaluator accuracy on the run's real test split
 * @param runDir the run directory
 * @param manager scope of this call
 * @param random this call's random source (derived from the run seed)
 */
@API(status = EXPERIMENTAL, since = "0.2")
public record TaskPhase(FeatureNet teacher, FeatureNet student, DataPool pool, Synthesis synthesis,
    TaskEvaluator evaluator, Path runDir, NDManager manager, Random random) {

  /** One extra synthesis call into the pool, e.g. to fill a calibration set. */
  @FunctionalInterface
  public interface Synthesis {
    /** Runs one call of the run's synthesizer (warm-up terms only) and appends its images to the pool. */
    void call();
  }
}
