package dev.rgal.api.synthesis;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import ai.djl.ndarray.NDArray;
import dev.rgal.api.Stateful;

/**
 * A per-iteration loss term of image synthesis (BN statistics, one-hot, adversarial, CMI
 * contrastive, RGAL relation). A synthesizer computes every active term in every inner iteration,
 * sums them with their weights and back-propagates into what it optimises.
 *
 * <p>Contract: {@link #loss} returns a scalar attached to the autograd graph of the step's arrays,
 * created in the manager of {@code step.rawImages()}.
 */
@API(status = STABLE, since = "0.1")
public interface SynthesisTerm extends Stateful {
  NDArray loss(SynthesisStep step);

  /** True if {@link #loss} reads {@code step.student()}; the synthesizer then runs the student. */
  default boolean needsStudent() {
    return false;
  }

  /** False for terms that warm-up calls skip (the adversarial term and what rides on it). */
  default boolean activeDuringWarmup() {
    return true;
  }

  /**
   * Called once per inner iteration, right after the synthesizer back-propagated the weighted sum
   * of the terms, while the step's arrays are open: the gradients of weights the term owns are
   * fresh. A term that trains weights of its own (CMI's projection head) steps its own optimiser
   * here and zeroes those gradients; the synthesizer's optimiser never sees them. Synthesizers
   * built on the engine's {@code InnerStep} get this call for free.
   */
  default void afterBackward(SynthesisStep step) {}

  /**
   * Called once at the end of each synthesize() call, while the last iteration's arrays are still
   * open.
   *
   * @param lastStep the last inner iteration
   * @param keptImages the un-augmented images the call returns (the lowest-loss iterate), [0, 1]
   */
  default void afterCall(SynthesisStep lastStep, NDArray keptImages) {}
}
