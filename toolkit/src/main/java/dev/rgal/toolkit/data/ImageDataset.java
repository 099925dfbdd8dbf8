package dev.rgal.toolkit.data;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * Labelled images held compactly in memory as uint8 ({@code N·C·H·W} bytes) with int labels.
 * Batches are built with one native copy per batch.
 */
@API(status = STABLE, since = "0.1")
public final class ImageDataset {
  private final String name;
  private final int channels;
  private final int height;
  private final int width;
  private final int numClasses;
  private final byte[] pixels;
  private final int[] labels;
  private final Uint8Staging staging = new Uint8Staging();

  private ImageDataset(String name, int channels, int height, int width, int numClasses, byte[] pixels, int[] labels) {
    if ((long) labels.length * channels * height * width != pixels.length) {
      throw new IllegalArgumentException("pixel count does not match " + labels.length + " images of "
          + channels + "x" + height + "x" + width);
    }
    this.name = name;
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.numClasses = numClasses;
    this.pixels = pixels;
    this.labels = labels;
  }

  /** Wraps the arrays (not copied). */
  public static ImageDataset of(String name, int channels, int height, int width, int numClasses, byte[] pixels, int[] labels) {
    return new ImageDataset(name, channels, height, width, numClasses, pixels, labels);
  }

  public String name() { return name; }
  public int size() { return labels.length; }
  public int channels() { return channels; }
  public int height() { return height; }
  public int width() { return width; }
  public int numClasses() { return numClasses; }

  /**
   * The last {@code n} images (in file order) as a dataset of their own, e.g. a validation slice
   * held out of the training split.
   *
   * @throws IllegalArgumentException unless 1 ≤ n ≤ size()
   */
  public ImageDataset tail(int n) {
    if (n < 1 || n > labels.length) {
      throw new IllegalArgumentException("cannot take the last " + n + " of " + labels.length + " images");
    }
    int per = channels * height * width;
    int from = labels.length - n;
    return new ImageDataset(name, channels, height, width, numClasses,
        Arrays.copyOfRange(pixels, from * per, labels.length * per), Arrays.copyOfRange(labels, from, labels.length));
  }

  /** The label of image {@code i}. */
  public int label(int i) {
    return labels[i];
  }

  /** A copy of the labels. */
  public int[] labels() {
    return labels.clone();
  }

  /** The raw uint8 pixels of image {@code i} (C·H·W bytes, a copy). */
  public byte[] image(int i) {
    int n = channels * height * width;
    return Arrays.copyOfRange(pixels, i * n, (i + 1) * n);
  }

  /** Zero-pads every image centred to {@code h×w} (28→32 adds 2 pixels on each side). */
  public ImageDataset padTo(int h, int w) {
    if (h == height && w == width) {
      return this;
    }
    if (h < height || w < width || (h - height) % 2 != 0 || (w - width) % 2 != 0) {
      throw new IllegalArgumentException("cannot pad " + height + "x" + width + " to " + h + "x" + w);
    }
    int top = (h - height) / 2;
    int left = (w - width) / 2;
    byte[] out = new byte[size() * channels * h * w];
    for (int i = 0; i < size(); i++) {
      for (int c = 0; c < channels; c++) {
        for (int y = 0; y < height; y++) {
          System.arraycopy(pixels, ((i * channels + c) * height + y) * width,
              out, ((i * channels + c) * h + y + top) * w + left, width);
        }
      }
    }
    return new ImageDataset(name, channels, h, w, numClasses, out, labels);
  }

  /** The first {@code n} images. */
  public ImageDataset take(int n) {
    int k = Math.min(n, size());
    int per = channels * height * width;
    return new ImageDataset(name, channels, height, width, numClasses,
        Arrays.copyOf(pixels, k * per), Arrays.copyOf(labels, k));
  }

  /**
   * The images at {@code indices} as float32 [B, C, H, W] in [0, 1] and their labels as int32
   * [B], created in {@code manager}.
   */
  public NDList batch(NDManager manager, int[] indices) {
    int per = channels * height * width;
    int[] y = new int[indices.length];
    for (int k = 0; k < indices.length; k++) {
      y[k] = labels[indices[k]];
    }
    NDArray x = staging.gather(manager, pixels, indices, per, new Shape(indices.length, channels, height, width));
    return new NDList(x, manager.create(y));
  }
}
