package dev.rgal.api.training;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Random;

/**
 * The growing store of synthetic images that the student trains on. Images are kept un-augmented
 * and quantised to uint8 exactly as the original PNG pools did ({@code clamp(0,1)·255} truncated);
 * the pool only ever grows.
 *
 * <p>Sampling returns normalised float32 batches with the KD-time augmentation (random crop with
 * zero padding, horizontal flip), created in the given manager.
 */
@API(status = STABLE, since = "0.1")
public interface DataPool {
  /** Number of images stored. */
  int size();

  /** Appends a batch of images [N, C, H, W] in [0, 1]. */
  void add(NDArray images);

  /**
   * Images {@code from} … {@code from + count − 1} in the order they were added, normalised and
   * not augmented (e.g. a calibration set).
   *
   * @throws IndexOutOfBoundsException when the pool holds fewer
   */
  NDArray images(NDManager manager, int from, int count);

  /** A shuffled, augmented, normalised batch of {@code batchSize} distinct images. */
  NDArray sample(NDManager manager, int batchSize, Random random);

  /**
   * {@code pairs} pool images, each augmented twice independently: rows {@code i} and
   * {@code i + pairs} of the returned [2·pairs, C, H, W] batch are views of the same image.
   */
  NDArray samplePaired(NDManager manager, int pairs, Random random);
}
