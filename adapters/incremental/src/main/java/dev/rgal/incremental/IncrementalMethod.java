package dev.rgal.incremental;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * A class-incremental method, found through {@link java.util.ServiceLoader} (file
 * {@code META-INF/services/dev.rgal.incremental.IncrementalMethod}). The runner knows methods only
 * through this interface: what they may read and need, and the learner that trains one task.
 */
@API(status = EXPERIMENTAL, since = "0.2")
public interface IncrementalMethod {
  /** The name given to {@code --method}. */
  String name();

  /** One line for {@code rgal incremental --help} and the run's params. */
  String description();

  /**
   * True for an upper bound that trains on the real images of earlier tasks too ({@code joint}).
   * Only such a method is given {@link TaskData#seenTasks()}; its runs are tagged as using real old
   * data.
   */
  default boolean usesRealOldData() {
    return false;
  }

  /** True if the method reads BatchNorm statistics of the previous model (inversion methods). */
  default boolean needsBatchNorm() {
    return false;
  }

  /**
   * True if the method inverts the previous model and replays the images, so RGAL's terms have a
   * generator loss and a synthetic half to join ({@code method+rgal}).
   */
  default boolean acceptsRelationTerms() {
    return false;
  }

  /** True if each task starts from a freshly initialised model rather than the previous one. */
  default boolean retrainsFromScratch() {
    return false;
  }

  /** A learner for one run; called once per run (it may keep state across tasks, e.g. a generator). */
  IncrementalLearner learner();
}
