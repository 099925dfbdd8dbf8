package dev.rgal.api.synthesis;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import ai.djl.ndarray.NDArray;
import dev.rgal.api.model.Features;
import org.jspecify.annotations.Nullable;

/**
 * One inner iteration of a synthesizer, as its loss terms see it.
 *
 * @param context the call this iteration belongs to (networks, data, random source)
 * @param rawImages the images being optimised, before augmentation, in [0, 1] (pixels or
 *     generator output; gradients flow back through them)
 * @param views the augmented, normalised images both networks saw
 * @param targets sampled class targets [N] (int)
 * @param teacher the teacher's features of {@code views} (eval mode), with BN statistics
 * @param student the student's features of {@code views} (eval mode), or null when no active term
 *     needs the student
 * @param call 1-based count of synthesis calls in this run
 * @param iteration 0-based inner iteration within the call
 * @param warmup true during the warm-up calls
 */
@API(status = STABLE, since = "0.1")
public record SynthesisStep(
    SynthesisContext context, NDArray rawImages, NDArray views, NDArray targets, Features teacher,
    @Nullable Features student, int call, int iteration, boolean warmup) {
  /** The student's features; fails if the synthesizer did not run the student. */
  public Features requireStudent() {
    if (student == null) {
      throw new IllegalStateException("this term needs the student forward; declare needsStudent()");
    }
    return student;
  }
}
