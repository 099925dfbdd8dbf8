package dev.rgal.toolkit.loss;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import dev.rgal.api.synthesis.SynthesisStep;
import dev.rgal.api.synthesis.SynthesisTerm;
import ai.djl.ndarray.NDArray;

/** The stateless synthesis terms the engine offers to every synthesizer. */
@API(status = STABLE, since = "0.1")
public final class SimpleTerms {
  private SimpleTerms() {}

  /** {@code onehot}: cross-entropy of the teacher's logits against the sampled targets. */
  public static SynthesisTerm oneHot() {
    return step -> Losses.crossEntropy(step.teacher().logits(), step.targets());
  }

  /** {@code adv}: CMI/Fast decision-adversarial term; skipped during warm-up. */
  public static SynthesisTerm adversarial() {
    return new StudentTerm() {
      @Override
      public NDArray loss(SynthesisStep step) {
        return Losses.adversarial(step.requireStudent().logits(), step.teacher().logits());
      }
    };
  }

  /**
   * {@code adi}: DeepInversion's competition term, minimised as {@code −JS*} so the images move to
   * where student and teacher disagree; skipped during warm-up.
   */
  public static SynthesisTerm adiCompetition() {
    return new StudentTerm() {
      @Override
      public NDArray loss(SynthesisStep step) {
        return Losses.adiCompetition(step.requireStudent().logits(), step.teacher().logits()).neg();
      }
    };
  }

  /** {@code tv-l1}/{@code tv-l2}: total variation of the raw images. */
  public static SynthesisTerm totalVariation(boolean l2) {
    return step -> Losses.totalVariation(step.rawImages(), l2);
  }

  /** {@code l2}: norm of the raw images. */
  public static SynthesisTerm l2() {
    return step -> Losses.l2(step.rawImages());
  }

  /** A term that reads the student and, like the adversarial term, waits for the warm-up to end. */
  private abstract static class StudentTerm implements SynthesisTerm {
    @Override
    public boolean needsStudent() {
      return true;
    }

    @Override
    public boolean activeDuringWarmup() {
      return false;
    }
  }
}
