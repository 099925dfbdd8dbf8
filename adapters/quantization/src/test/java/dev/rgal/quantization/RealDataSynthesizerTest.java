package dev.rgal.quantization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.rgal.api.DfkdException;
import dev.rgal.api.options.OptionValues;
import dev.rgal.api.synthesis.SyntheticBatch;
import dev.rgal.testkit.Workbench;
import dev.rgal.toolkit.data.Datasets;
import dev.rgal.toolkit.data.ImageDataset;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The real-data source (row R6) keeps a held-out tail of the training split out of every batch. */
class RealDataSynthesizerTest {
  private static final String FMNIST = "/usr/share/datasets/fashion-mnist";

  @Test
  void aHeldOutTailIsNeverRead() {
    ImageDataset train = Datasets.open("fashion-mnist", java.nio.file.Path.of(FMNIST), Datasets.Split.TRAIN);
    int usable = 100;
    try (Workbench bench = Workbench.withTinyTeacher(); NDManager call = bench.manager().newSubManager()) {
      OptionValues o = OptionValues.defaults(RealDataSynthesizer.OPTIONS).with(RealDataSynthesizer.DIR, FMNIST)
          .with(RealDataSynthesizer.HOLD_OUT, train.size() - usable);
      RealDataSynthesizer real = new RealDataSynthesizer(bench.request(o, 4));
      SyntheticBatch b = real.synthesize(bench.synthesisContext(List.of(), usable, call, new Random(1)));
      int[] got = b.targets().toType(ai.djl.ndarray.types.DataType.INT32, false).toIntArray();
      int[] want = Arrays.copyOf(train.labels(), usable);
      Arrays.sort(got);
      Arrays.sort(want);
      // one batch of exactly the usable count is a permutation of the first 100 images, none of the tail
      assertArrayEquals(want, got);
      float[] pixels = b.images().toFloatArray();
      assertTrue(pixels.length == usable * 32 * 32, "32x32 after padding");
      DfkdException e = assertThrows(DfkdException.class, () -> new RealDataSynthesizer(bench.request(
          OptionValues.defaults(RealDataSynthesizer.OPTIONS).with(RealDataSynthesizer.DIR, FMNIST)
              .with(RealDataSynthesizer.HOLD_OUT, train.size()), 0)));
      assertTrue(e.getMessage().contains("holdOut"), e.getMessage());
    }
  }
}
