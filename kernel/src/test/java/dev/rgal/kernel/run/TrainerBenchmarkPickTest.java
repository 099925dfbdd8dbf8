package dev.rgal.kernel.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rgal.api.DfkdException;
import dev.rgal.toolkit.data.ImageDataset;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TrainerBenchmarkPickTest {
  static ImageDataset cyclic(int n) {
    int[] y = new int[n];
    Arrays.setAll(y, i -> i % 10);
    return ImageDataset.of("t", 1, 2, 2, 10, new byte[n * 4], y);
  }

  @Test
  void unbalancedPoolIsSixtyPercentOneClassOfDistinctImagesEvenWhenTheClassIsShort() {
    ImageDataset d = cyclic(5000);
    int[] p = TrainerBenchmark.pick(d, 500, true, new Random(1));
    assertEquals(500, p.length);
    assertEquals(500, Arrays.stream(p).distinct().count(), "distinct images");
    assertEquals(300, Arrays.stream(p).filter(i -> d.label(i) == 0).count());
    // class 0 has only 500 images here: the pool shrinks to keep the 60 % mix
    int[] small = TrainerBenchmark.pick(d, 2000, true, new Random(1));
    assertEquals(500 + 333, small.length);
    assertEquals(500, Arrays.stream(small).filter(i -> d.label(i) == 0).count());
    // many more same-label pairs than the balanced mix: 0.6² vs 10 × 0.1² of the batch squared
    double balanced = TrainerBenchmark.sameLabelPairs(d, TrainerBenchmark.pick(d, 1000, false, new Random(1)), 256);
    double skewed = TrainerBenchmark.sameLabelPairs(d, p, 256);
    assertEquals(10 * 25.6 * 24.6, balanced, 1e-6);
    assertTrue(skewed > 3 * balanced, skewed + " vs " + balanced);
  }

  @Test
  void poolLargerThanTheTestSetIsRefused() {
    DfkdException e = assertThrows(DfkdException.class, () -> TrainerBenchmark.pick(cyclic(100), 500, false, new Random(1)));
    assertTrue(e.getMessage().contains("test set has 100"), e.getMessage());
  }
}
