package dev.rgal.quantization;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import dev.rgal.api.ComponentRequest;
import dev.rgal.api.DataSpec;
import dev.rgal.api.DfkdException;
import dev.rgal.api.TagContributor;
import dev.rgal.api.options.Option;
import dev.rgal.api.options.Options;
import dev.rgal.api.synthesis.SynthesisContext;
import dev.rgal.api.synthesis.Synthesizer;
import dev.rgal.api.synthesis.SyntheticBatch;
import dev.rgal.toolkit.data.Datasets;
import dev.rgal.toolkit.data.ImageDataset;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/**
 * Row R6 of the DFQ benchmark, the upper bound: <b>real training images</b>, the one place the
 * toolkit lets a real training image into a pool. Every run that uses it is tagged
 * {@code data.real=true}. Images are drawn without replacement along a permutation of the
 * training split fixed by the run seed; the call counter picks the slice, so a resumed run reads
 * the same images.
 */
final class RealDataSynthesizer implements Synthesizer, TagContributor {
  public static final Option<String> DIR = Option.text("dir", "",
      "directory holding the dataset's real training split (required: this source uses real data)");
  public static final Option<Integer> FIRST = Option.integer("first", 0,
      "skip this many images of the permutation (e.g. keep a held-out slice out of QAT)").atLeast(0);
  public static final Option<Integer> HOLD_OUT = Option.integer("holdOut", 0,
      "never read the last N images of the training split (file order): a validation slice, e.g. for 'rgal eval --split train --last N'").atLeast(0);
  public static final Options OPTIONS = Options.of(DIR, FIRST, HOLD_OUT);

  private final ImageDataset train;
  private final int[] order;
  private final int first;

  RealDataSynthesizer(ComponentRequest r) {
    String dir = r.options().get(DIR);
    if (dir.isBlank()) {
      throw new DfkdException("the real-data source needs the training split: pass --train-data DIR (or set synthesizer.settings.dir)");
    }
    DataSpec d = r.data();
    train = Datasets.open(d.dataset(), Path.of(dir), Datasets.Split.TRAIN);
    int holdOut = r.options().get(HOLD_OUT);
    if (holdOut >= train.size()) {
      throw new DfkdException("synthesizer.settings.holdOut=" + holdOut + " holds out the whole training split of "
          + train.size() + " images: use a smaller value");
    }
    order = dev.rgal.toolkit.train.Seeds.permutation(train.size() - holdOut, new Random(r.seed() ^ 0x5EA1DA7AL));
    first = r.options().get(FIRST);
    if (first >= order.length) {
      throw new DfkdException("synthesizer.settings.first=" + first + " skips all " + order.length
          + " usable images of the training split: use a smaller value");
    }
  }

  @Override
  public SyntheticBatch synthesize(SynthesisContext c) {
    int n = c.batchSize();
    int usable = order.length - first;
    int[] idx = new int[n];
    long start = (long) (c.call() - 1) * n;
    for (int i = 0; i < n; i++) {
      idx[i] = order[first + (int) ((start + i) % usable)];
    }
    NDList b = train.batch(c.manager(), idx);
    return new SyntheticBatch(b.get(0), b.get(1).toType(DataType.INT64, false), Map.of("total", 0.0));
  }

  @Override
  public Map<String, String> runTags() {
    return Map.of("data.source", "real", "data.real", "true");
  }

  @Override
  public void saveState(DataOutputStream out) {}

  @Override
  public void loadState(DataInputStream in) {}
}
