package dev.rgal.testkit;

import ai.djl.ndarray.NDManager;
import dev.rgal.toolkit.progress.Progress;
import dev.rgal.toolkit.teacher.LoadedTeacher;
import dev.rgal.toolkit.teacher.TeacherRecipe;
import dev.rgal.toolkit.teacher.TeacherStore;
import dev.rgal.toolkit.teacher.TeacherTrainer;
import dev.rgal.toolkit.zoo.Zoo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * A small real teacher shared by the tests of one JVM: LeNet-5-BN trained for one epoch on the
 * first 6,000 real Fashion-MNIST training images ({@link FashionMnist#DIR}); a few seconds on one
 * core, about 70 % top-1 on the 10,000 test images. The same recipe as the toolkit's own tests.
 */
public final class TinyTeacher {
  /** Training images the teacher sees (the first ones of the training split). */
  public static final int TRAINING_IMAGES = 6000;

  private static @Nullable Path dir;

  private TinyTeacher() {}

  /** The teacher directory ({@code teacher.json} and weights), trained on first use. */
  public static synchronized Path lenet5bn() {
    if (dir == null) {
      try {
        Path d = Files.createTempDirectory("rgal-testkit-teacher").resolve("teacher");
        TeacherTrainer.train(new TeacherTrainer.Request("fashion-mnist", null, "lenet5-bn",
                TeacherRecipe.fashionMnistDefault().withEpochs(1), d, false, TRAINING_IMAGES),
            Zoo.factories(), Progress.silent(), e -> {});
        dir = d;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return dir;
  }

  /** The teacher loaded into {@code manager} (its network belongs to that manager). */
  public static LoadedTeacher load(NDManager manager) {
    return TeacherStore.load(lenet5bn(), Zoo.factories(), manager);
  }
}
