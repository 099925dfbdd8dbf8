package dev.rgal.api.training;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;
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
 *
 * <p>A pool may also keep the class label each image was added with (the class a synthesizer
 * aimed it at, or a real image's label): {@link #add(NDArray, NDArray)} stores it and
 * {@link #sampleLabelled} returns it beside the images. A pool that keeps no labels drops them and
 * answers {@code false} to {@link #hasLabels()}.
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

  /**
   * Appends images with their int labels [N]. The default keeps the images only, so
   * {@link #hasLabels()} stays {@code false}.
   */
  @API(status = EXPERIMENTAL, since = "0.2")
  default void add(NDArray images, NDArray labels) {
    add(images);
  }

  /** Whether every stored image has a label, so that {@link #sampleLabelled} can be called. */
  @API(status = EXPERIMENTAL, since = "0.2")
  default boolean hasLabels() {
    return false;
  }

  /**
   * Like {@link #sample} ({@code paired = false}) or {@link #samplePaired} with
   * {@code batchSize / 2} pairs ({@code paired = true}), with the stored label of every row.
   *
   * @throws IllegalStateException when {@link #hasLabels()} is false
   */
  @API(status = EXPERIMENTAL, since = "0.2")
  default LabelledBatch sampleLabelled(NDManager manager, int batchSize, boolean paired, Random random) {
    throw new IllegalStateException("this data pool keeps no labels");
  }

  /**
   * A sampled batch and the label each row was stored with.
   *
   * @param images normalised, augmented [B, C, H, W]
   * @param labels int64 [B]
   */
  @API(status = EXPERIMENTAL, since = "0.2")
  record LabelledBatch(NDArray images, NDArray labels) {}
}
