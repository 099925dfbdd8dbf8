package dev.rgal.incremental;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

import ai.djl.ndarray.NDManager;
import dev.rgal.api.DataSpec;
import dev.rgal.api.model.FeatureNet;
import dev.rgal.toolkit.progress.Progress;
import org.jspecify.annotations.Nullable;

/**
 * What a learner gets for task {@code task} (1-based).
 *
 * @param model the model to train: the previous task's model continued, or a fresh one for a method
 *     that {@linkplain IncrementalMethod#retrainsFromScratch() retrains}
 * @param previous M_{t−1}, frozen (evaluate it with {@code training = false}), or null at task 1
 * @param oldClasses K_o(t): logits [0, K_o) are the earlier tasks' classes
 * @param seenClasses K_s(t): every loss and the evaluation use logits [0, K_s)
 * @param seed the task's seed (spec: 100·r + t)
 * @param manager lives for this task; closed after it
 * @param runManager lives for the whole run, for state a learner keeps across tasks (ABD's generator)
 * @param progress where a learner starts its progress bars
 * @param replay where an inversion method shows samples of its replay (a labelled grid per task)
 * @param checkpoints epoch-level checkpoints of this task (the loops and the generator)
 * @param relation RGAL's terms for an inversion method's generator and replay (empty for the plain method)
 * @param inversion a toolkit synthesizer to invert with instead of the method's own generator, or
 *     null for the method's generator
 */
@API(status = EXPERIMENTAL, since = "0.2")
public record LearnerContext(int task, IncrementalScenario scenario, FeatureNet model, @Nullable FeatureNet previous,
    TaskData data, int oldClasses, int seenClasses, IncrementalSchedule schedule, DataSpec spec, long seed,
    NDManager manager, NDManager runManager, Progress progress, ReplaySink replay, TaskCheckpoints checkpoints,
    RelationTerms relation, @Nullable SynthesizerInversion inversion) {

  /** Receives replay samples for the run's labelled grid of task t. */
  @FunctionalInterface
  public interface ReplaySink {
    /**
     * @param images [N, C, H, W] in [0, 1] (not normalised)
     * @param labels the run label each image is replayed as
     */
    void samples(ai.djl.ndarray.NDArray images, int[] labels);
  }
}
