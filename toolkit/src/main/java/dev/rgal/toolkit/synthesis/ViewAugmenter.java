package dev.rgal.toolkit.synthesis;

import ai.djl.ndarray.NDArray;
import java.util.Random;

/**
 * Synthesis-time augmentation of images in [0, 1] (before normalisation). Must be built from
 * differentiable operations: the gradient flows back through it into what is optimised.
 */
@FunctionalInterface
public interface ViewAugmenter {
  NDArray apply(NDArray images, Random random);

  /** No augmentation. */
  static ViewAugmenter none() {
    return (x, r) -> x;
  }
}
