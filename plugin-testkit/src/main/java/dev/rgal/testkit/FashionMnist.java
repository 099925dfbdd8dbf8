package dev.rgal.testkit;

import dev.rgal.api.DataSpec;
import dev.rgal.toolkit.data.Datasets;
import dev.rgal.toolkit.data.ImageDataset;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/** Real Fashion-MNIST, the data of every test here: the directory, its spec and the test split. */
public final class FashionMnist {
  /** Where the dataset lives (Debian's {@code dataset-fashion-mnist} package). */
  public static final Path DIR = Datasets.FASHION_MNIST_DIR;

  /** Ten classes: a student at chance scores 10 %. */
  public static final double CHANCE = 0.1;

  private static @Nullable ImageDataset test;

  private FashionMnist() {}

  /** Shape (1×32×32, padded), classes and normalisation. */
  public static DataSpec spec() {
    return Datasets.dataSpec("fashion-mnist");
  }

  /** The 10,000 real test images (32×32, padded), read once per JVM. */
  public static synchronized ImageDataset test() {
    if (test == null) {
      test = Datasets.open("fashion-mnist", DIR, Datasets.Split.TEST);
    }
    return test;
  }
}
