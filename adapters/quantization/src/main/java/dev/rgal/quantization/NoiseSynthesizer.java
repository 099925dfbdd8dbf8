package dev.rgal.quantization;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.rgal.api.ComponentRequest;
import dev.rgal.api.DataSpec;
import dev.rgal.api.TagContributor;
import dev.rgal.api.synthesis.SynthesisContext;
import dev.rgal.api.synthesis.Synthesizer;
import dev.rgal.api.synthesis.SyntheticBatch;
import dev.rgal.toolkit.data.Normalization;
import java.util.Map;
import java.util.Random;

/**
 * Row R2 of the DFQ benchmark (spec §5): Gaussian noise N(0, 1) in the teacher's normalised input
 * space (IntraQ/HAST's initialisation, not ZeroQ's uniform ±0.02, §6.13), mapped back to [0, 1]
 * for the pool. The pool stores uint8 in [0, 1], so values outside [0, 1] are clipped (for
 * Fashion-MNIST about 21 % of the pixels at 0 and 2 % at 1, §6.16); the run is tagged with it.
 * Targets are uniform random classes (no image carries a class; KD ignores them).
 */
final class NoiseSynthesizer implements Synthesizer, TagContributor {
  private final DataSpec data;
  private final long seed;

  NoiseSynthesizer(ComponentRequest r) {
    this.data = r.data();
    this.seed = r.seed();
  }

  @Override
  public SyntheticBatch synthesize(SynthesisContext c) {
    NDManager m = c.manager();
    Random random = c.random();
    int n = c.batchSize();
    float[] z = new float[n * data.channels() * data.height() * data.width()];
    for (int i = 0; i < z.length; i++) {
      z[i] = (float) random.nextGaussian(); // java.util.Random: reproducible from the run seed alone
    }
    int[] targets = new int[n];
    for (int i = 0; i < n; i++) {
      targets[i] = random.nextInt(data.numClasses());
    }
    NDArray normalised = m.create(z, new Shape(n, data.channels(), data.height(), data.width()));
    NDArray images = Normalization.of(data).invert(normalised).clip(0f, 1f);
    return new SyntheticBatch(images, m.create(targets).toType(DataType.INT64, false), Map.of("total", 0.0));
  }

  @Override
  public Map<String, String> runTags() {
    return Map.of("data.source", "noise", "data.pool", "uint8-clipped");
  }

  @Override
  public void saveState(java.io.DataOutputStream out) {}

  @Override
  public void loadState(java.io.DataInputStream in) {}
}
