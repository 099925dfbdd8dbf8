package dev.rgal.api.training;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import dev.rgal.api.Stateful;
import java.util.List;

/**
 * A per-step loss term of student training added on top of KD (RGAL's relation loss, its CD
 * loss). Returns a scalar attached to the autograd graph, in the manager of
 * {@code step.images()}.
 */
@API(status = STABLE, since = "0.1")
public interface StudentTerm extends Stateful {
  NDArray loss(StudentStep step);

  /**
   * Extra trainable blocks (e.g. RGAL's 1×1 adapters), already initialised. The trainer optimises
   * their parameters with the student's optimiser, weight decay and schedule, and saves them with
   * its state.
   */
  default List<Block> trainableBlocks() {
    return List.of();
  }

  /** True if the trainer should sample paired views from the pool for this term. */
  default boolean needsPairedViews() {
    return false;
  }
}
