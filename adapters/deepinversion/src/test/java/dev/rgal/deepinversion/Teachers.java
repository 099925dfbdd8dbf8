package dev.rgal.deepinversion;

import dev.rgal.toolkit.progress.Progress;
import dev.rgal.toolkit.teacher.TeacherRecipe;
import dev.rgal.toolkit.teacher.TeacherTrainer;
import dev.rgal.toolkit.zoo.Zoo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One small real teacher per test JVM: LeNet-5-BN trained for one epoch on the first 6,000
 * Fashion-MNIST training images (a few seconds; roughly 70% test accuracy).
 */
final class Teachers {
  static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");
  private static Path dir;

  private Teachers() {}

  static synchronized Path lenet5bn() {
    if (dir == null) {
      try {
        Path d = Files.createTempDirectory("rgal-di-teacher").resolve("teacher");
        TeacherTrainer.train(new TeacherTrainer.Request("fashion-mnist", null, "lenet5-bn",
                TeacherRecipe.fashionMnistDefault().withEpochs(1), d, false, 6000),
            Zoo.factories(), Progress.silent(), e -> {});
        dir = d;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return dir;
  }
}
