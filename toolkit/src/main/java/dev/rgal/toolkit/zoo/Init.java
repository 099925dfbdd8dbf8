package dev.rgal.toolkit.zoo;

import ai.djl.training.initializer.Initializer;

/** Parameter initialisers used by the reference PyTorch definitions. */
final class Init {
  private Init() {}

  /** PyTorch's default for conv/linear weights and biases: U(-1/sqrt(fanIn), 1/sqrt(fanIn)). */
  static Initializer torchDefault(long fanIn) {
    float bound = (float) (1.0 / Math.sqrt(fanIn));
    return (m, shape, dt) -> m.randomUniform(-bound, bound, shape, dt);
  }

  /** N(mean, std). */
  static Initializer normal(double mean, double std) {
    return (m, shape, dt) -> m.randomNormal((float) mean, (float) std, shape, dt);
  }

  static Initializer constant(float value) {
    return (m, shape, dt) -> m.full(shape, value, dt);
  }
}
