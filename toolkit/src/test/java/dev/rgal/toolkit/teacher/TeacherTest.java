package dev.rgal.toolkit.teacher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.rgal.api.DfkdException;
import dev.rgal.toolkit.data.Datasets;
import dev.rgal.toolkit.data.ImageDataset;
import dev.rgal.toolkit.progress.Progress;
import dev.rgal.toolkit.zoo.Zoo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TeacherTest {
  @TempDir Path tmp;

  private static TeacherTrainer.Result train(Path out, long seed) {
    TeacherRecipe r = TeacherRecipe.fashionMnistDefault().withEpochs(1).withSeed(seed);
    return TeacherTrainer.train(new TeacherTrainer.Request("fashion-mnist", null, "lenet5-bn", r, out, false, 2048),
        Zoo.factories(), Progress.silent(), e -> {});
  }

  @Test
  void sameSeedReproducesTheMetricsExactlyAndLearnsOnRealImages() {
    TeacherTrainer.Result a = train(null, 5);
    TeacherTrainer.Result b = train(null, 5);
    TeacherTrainer.Result c = train(null, 6);
    assertEquals(a.epochs().get(0).trainLoss(), b.epochs().get(0).trainLoss(), 0.0);
    assertEquals(a.metadata().testAccuracy(), b.metadata().testAccuracy(), 0.0);
    assertTrue(a.epochs().get(0).trainLoss() != c.epochs().get(0).trainLoss(), "another seed trains differently");
    // 2,048 images, one epoch: well above the 10% of chance on the 10,000 real test images
    assertTrue(a.metadata().testAccuracy() > 0.4, "accuracy " + a.metadata().testAccuracy());
  }

  @Test
  void writtenTeacherLoadsWithIdenticalPredictionsAndMetadata() {
    Path dir = TestTeachers.lenet5bn();
    TeacherMetadata m = TeacherStore.readMetadata(dir);
    assertEquals("lenet5-bn", m.architecture());
    assertEquals(64, m.weightsSha256().length());
    assertEquals(TeacherStore.sha256(dir.resolve(m.weightsFile())), m.weightsSha256());
    ImageDataset test = Datasets.open("fashion-mnist", null, Datasets.Split.TEST);
    try (NDManager mm = NDManager.newBaseManager()) {
      LoadedTeacher t = TeacherStore.load(dir, Zoo.factories(), mm);
      assertEquals(m.testAccuracy(), Evaluation.accuracy(t.net(), test, m.dataSpec(), mm), 1e-9);
      assertTrue(m.testAccuracy() > 0.6, "shared test teacher reaches " + m.testAccuracy());
      t.net().close();
    }
  }

  @Test
  void refusesToOverwriteAndLeavesNoPartialDirectory() throws IOException {
    Path dir = tmp.resolve("t");
    train(dir, 1);
    DfkdException e = assertThrows(DfkdException.class, () -> train(dir, 1));
    assertTrue(e.getMessage().contains("--force"), e.getMessage());
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(1, s.count(), "no hidden temporary directory left behind");
    }
  }

  @Test
  void unwritableOutputIsAOneLineErrorWithoutPartialOutput() throws IOException {
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    DfkdException e = assertThrows(DfkdException.class, () -> train(file.resolve("teacher"), 1));
    assertEquals(1, e.getMessage().lines().count());
    assertFalse(Files.exists(file.resolve("teacher")));
  }

  @Test
  void corruptOrForeignWeightsAreRejected() throws IOException {
    Path dir = tmp.resolve("copy");
    Files.createDirectories(dir);
    Path src = TestTeachers.lenet5bn();
    for (String f : new String[] {TeacherStore.METADATA, TeacherStore.WEIGHTS}) {
      Files.copy(src.resolve(f), dir.resolve(f));
    }
    byte[] w = Files.readAllBytes(dir.resolve(TeacherStore.WEIGHTS));
    w[w.length / 2] ^= 0x5a;
    Files.write(dir.resolve(TeacherStore.WEIGHTS), w);
    try (NDManager mm = NDManager.newBaseManager()) {
      DfkdException e = assertThrows(DfkdException.class, () -> TeacherStore.load(dir, Zoo.factories(), mm));
      assertTrue(e.getMessage().contains("checksum"), e.getMessage());
      // weights of another architecture under a matching checksum: the architecture check names both
      String meta = Files.readString(src.resolve(TeacherStore.METADATA)).replace("\"lenet5-bn\"", "\"lenet5-half-bn\"");
      Files.writeString(dir.resolve(TeacherStore.METADATA), meta);
      Files.copy(src.resolve(TeacherStore.WEIGHTS), dir.resolve(TeacherStore.WEIGHTS), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      e = assertThrows(DfkdException.class, () -> TeacherStore.load(dir, Zoo.factories(), mm));
      assertTrue(e.getMessage().contains("lenet5-bn") && e.getMessage().contains("lenet5-half-bn"), e.getMessage());
      e = assertThrows(DfkdException.class, () -> TeacherStore.load(tmp.resolve("none"), Zoo.factories(), mm));
      assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }
  }

  @Test
  void unknownArchitectureListsTheKnownOnes() {
    DfkdException e = assertThrows(DfkdException.class, () -> TeacherTrainer.train(
        new TeacherTrainer.Request("fashion-mnist", null, "lenet7", TeacherRecipe.fashionMnistDefault(), null, false, 10),
        Zoo.factories(), Progress.silent(), x -> {}));
    assertTrue(e.getMessage().contains("lenet5-bn") && e.getMessage().contains("wrn-40-2"), e.getMessage());
  }

  @Test
  void recipeSchedules() {
    TeacherRecipe r = new TeacherRecipe("sgd", 0.1, 0, "step", 10, 256, 0, false, 0);
    assertEquals(0.1, r.lrAt(5), 1e-12);
    assertEquals(0.02, r.lrAt(6), 1e-12);
    assertEquals(0.1 * 0.2 * 0.2 * 0.2, r.lrAt(9), 1e-12);
    assertArrayEquals(new double[] {0.1, 0.05}, new double[] {
        new TeacherRecipe("sgd", 0.1, 0, "cosine", 10, 1, 0, false, 0).lrAt(0),
        new TeacherRecipe("sgd", 0.1, 0, "cosine", 10, 1, 0, false, 0).lrAt(5)}, 1e-12);
  }
}
