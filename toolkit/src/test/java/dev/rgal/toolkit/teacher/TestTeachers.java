package dev.rgal.toolkit.teacher;

import dev.rgal.toolkit.progress.Progress;
import dev.rgal.toolkit.zoo.Zoo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A small real teacher shared by the tests of one JVM: LeNet-5-BN trained for one epoch on the
 * first 6,000 Fashion-MNIST training images (about 70% test accuracy in a few seconds).
 */
public final class TestTeachers {
  private static Path dir;

  private TestTeachers() {}

  public static synchronized Path lenet5bn() {
    if (dir == null) {
      try {
        Path d = Files.createTempDirectory("rgal-test-teacher").resolve("teacher");
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
