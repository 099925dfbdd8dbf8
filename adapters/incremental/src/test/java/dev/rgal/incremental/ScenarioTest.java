package dev.rgal.incremental;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rgal.api.DfkdException;
import dev.rgal.toolkit.data.Datasets;
import dev.rgal.toolkit.data.ImageDataset;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Class orders, task splits, label remapping and the data rule, on the real Fashion-MNIST files. */
class ScenarioTest {
  private static final Path FMNIST = Path.of("/usr/share/datasets/fashion-mnist");

  @Test
  void namedOrdersAreAbdsFixtureLists() {
    assertEquals(List.of(7, 8, 1, 5, 3, 4, 2, 0, 9, 6), ClassOrder.parse("O0", 10).classes());
    assertEquals(List.of(6, 8, 9, 7, 5, 3, 0, 4, 1, 2), ClassOrder.parse("O1", 10).classes());
    assertEquals(List.of(5, 9, 3, 4, 6, 7, 2, 8, 1, 0), ClassOrder.parse("O2", 10).classes());
    assertEquals("custom", ClassOrder.parse("9,8,7,6,5,4,3,2,1,0", 10).name());
  }

  @Test
  void anOrderThatIsNotAPermutationIsOneLineNamingTheClass() {
    assertTrue(assertThrows(DfkdException.class, () -> ClassOrder.parse("0,1,1,3,4,5,6,7,8,9", 10)).getMessage().contains("repeats class 1"));
    assertTrue(assertThrows(DfkdException.class, () -> ClassOrder.parse("0,1,2,3,4,5,6,7,8", 10)).getMessage().contains("omits class 9"));
    assertTrue(assertThrows(DfkdException.class, () -> ClassOrder.parse("0,1,2,3,4,5,6,7,8,10", 10)).getMessage().contains("names class 10"));
    assertTrue(assertThrows(DfkdException.class, () -> ClassOrder.parse("O7", 10)).getMessage().contains("O0, O1, O2"));
  }

  @Test
  void splitsParseAndMustCoverEveryClassOnce() {
    assertEquals(List.of(2, 2, 2, 2, 2), TaskSplit.parse("b0-inc2", 10).sizes());
    assertEquals(List.of(5, 1, 1, 1, 1, 1), TaskSplit.parse("b5-inc1", 10).sizes());
    assertEquals(10, TaskSplit.parse("b0-inc1", 10).tasks());
    assertEquals(List.of(4, 3, 3), TaskSplit.parse("4,3,3", 10).sizes());
    assertTrue(assertThrows(DfkdException.class, () -> TaskSplit.parse("2,2,2", 10)).getMessage().contains("brings 6 classes"));
    assertTrue(assertThrows(DfkdException.class, () -> TaskSplit.parse("b0-inc3", 10)).getMessage().contains("divisible"));
    assertTrue(assertThrows(DfkdException.class, () -> TaskSplit.parse("2,0,8", 10)).getMessage().contains("at least one class"));
    assertTrue(assertThrows(DfkdException.class, () -> TaskSplit.parse("ten", 10)).getMessage().contains("named split"));
    assertTrue(assertThrows(DfkdException.class, () -> TaskSplit.parse("10", 10)).getMessage().contains("single task"));
  }

  @Test
  void eachTaskSeesOnlyItsOwnClassesWithLabelsRemappedToTheirPositionInTheOrder() {
    ImageDataset train = Datasets.open("fashion-mnist", FMNIST, Datasets.Split.TRAIN);
    ImageDataset test = Datasets.open("fashion-mnist", FMNIST, Datasets.Split.TEST);
    IncrementalScenario s = IncrementalScenario.of(ClassOrder.parse("O0", 10), TaskSplit.parse("b0-inc2", 10));
    assertEquals(List.of(1, 5), s.newClasses(2), "O0 = 7, 8 | 1, 5 | 3, 4 | …");
    assertEquals(2, s.oldClasses(2));
    assertEquals(4, s.seenClasses(2));
    for (int t = 1; t <= s.tasks(); t++) {
      ImageDataset real = s.trainingData(train, t);
      assertEquals(12_000, real.size(), "6,000 training images per class, two classes per task");
      int lo = s.oldClasses(t);
      int hi = s.seenClasses(t);
      int[] labels = real.labels();
      assertTrue(Arrays.stream(labels).allMatch(l -> l >= lo && l < hi),
          "task " + t + " trains on its own logits [" + lo + ", " + hi + ") only");
    }
    // the ledger: task 2 touched the real images of classes 1 and 5 and no other
    Map<Integer, Set<Integer>> touched = s.realClassesTouched();
    assertEquals(Set.of(1, 5), touched.get(2));
    assertEquals(5, touched.size());
    // remapping is the position in the order, and a training image keeps its pixels
    ImageDataset first = s.trainingData(train, 1);
    int original = -1;
    for (int i = 0; i < train.size() && original < 0; i++) {
      if (train.label(i) == 7 || train.label(i) == 8) {
        original = i;
      }
    }
    assertEquals(s.label(train.label(original)), first.label(0));
    assertTrue(Arrays.equals(train.image(original), first.image(0)));
    // evaluation views
    assertEquals(4_000, s.testSeen(test, 2).size());
    assertEquals(2, s.taskOfLabel(3));
    assertTrue(Arrays.stream(s.testOfTask(test, 3).labels()).allMatch(l -> l == 4 || l == 5));
  }
}
