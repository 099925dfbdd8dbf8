package dev.rgal.toolkit.synthesis;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import ai.djl.ndarray.NDArray;
import java.util.Random;

/**
 * Synthesis-time augmentation of images in [0, 1] (before normalisation). Must be built from
 * differentiable operations: the gradient flows back through it into what is optimised.
 */
@FunctionalInterface
@API(status = STABLE, since = "0.1")
public interface ViewAugmenter {
  NDArray apply(NDArray images, Random random);

  /** No augmentation. */
  static ViewAugmenter none() {
    return (x, r) -> x;
  }
}
