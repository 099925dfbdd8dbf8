package dev.rgal.tribuo;

import dev.rgal.toolkit.data.Datasets;
import dev.rgal.toolkit.data.ImageDataset;
import dev.rgal.toolkit.progress.Progress;
import dev.rgal.toolkit.teacher.TeacherRecipe;
import dev.rgal.toolkit.teacher.TeacherTrainer;
import dev.rgal.toolkit.zoo.Zoo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** One small real teacher per test JVM: lenet5-bn, 1 epoch on 3000 Fashion-MNIST images. */
final class Fixtures {
  private static Path teacher;
  private static ImageDataset test;

  private Fixtures() {}

  static synchronized Path teacher() {
    if (teacher == null) {
      try {
        Path root = Files.createTempDirectory("rgal-tribuo-test-");
        root.toFile().deleteOnExit();
        Path dir = root.resolve("teacher");
        TeacherTrainer.train(new TeacherTrainer.Request("fashion-mnist", null, "lenet5-bn",
            TeacherRecipe.fashionMnistDefault().withEpochs(1), dir, false, 3000), Zoo.factories(), Progress.silent(), e -> {});
        teacher = dir;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return teacher;
  }

  /** The real Fashion-MNIST test split (32×32, padded). */
  static synchronized ImageDataset test() {
    if (test == null) {
      test = Datasets.open("fashion-mnist", null, Datasets.Split.TEST);
    }
    return test;
  }
}
