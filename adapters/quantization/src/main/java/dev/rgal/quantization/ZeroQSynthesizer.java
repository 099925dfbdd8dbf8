package dev.rgal.quantization;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.rgal.api.ComponentRequest;
import dev.rgal.api.DataSpec;
import dev.rgal.api.TagContributor;
import dev.rgal.api.WeightedTerm;
import dev.rgal.api.options.Option;
import dev.rgal.api.options.OptionValues;
import dev.rgal.api.options.Options;
import dev.rgal.api.synthesis.SynthesisContext;
import dev.rgal.api.synthesis.SynthesisTerm;
import dev.rgal.api.synthesis.Synthesizer;
import dev.rgal.api.synthesis.SyntheticBatch;
import dev.rgal.toolkit.data.Normalization;
import dev.rgal.toolkit.synthesis.InnerStep;
import dev.rgal.toolkit.synthesis.ViewAugmenter;
import dev.rgal.toolkit.train.Adam;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.List;
import java.util.Map;

/**
 * Row R3 of the DFQ benchmark: ZeroQ's distilled data (spec §2.1). Pixels in the teacher's
 * normalised space start as ZeroQ's uniform integers 0…254 minus 127.5, divided by 5418.75 (about
 * ±0.0235, §6.13), and are optimised with Adam (lr 0.5) for {@code iterations} steps on the run's
 * synthesis terms (the preset: {@code zeroq-bn}, ZeroQ's per-sample BN loss; {@code +rgal} adds
 * the relation term), without augmentation or clamping, with ReduceLROnPlateau (patience 100,
 * factor 0.1, min lr 1e-4). The final iterate is kept, as ZeroQ does; the pool clips it to [0, 1]
 * (tagged {@code data.pool=uint8-clipped}).
 */
final class ZeroQSynthesizer implements Synthesizer, TagContributor {
  static final Option<Integer> ITERATIONS = Option.integer("iterations", 500, "Adam steps on the pixels per call").atLeast(1);
  static final Option<Double> LR = Option.real("lr", 0.5, "Adam learning rate of the pixels").atLeast(1e-12);
  static final Option<Integer> PATIENCE = Option.integer("patience", 100,
      "iterations without a lower loss before the learning rate drops ×0.1 (down to 1e-4)").atLeast(1);
  static final Options OPTIONS = Options.of(ITERATIONS, LR, PATIENCE);
  private static final double MIN_LR = 1e-4;

  private final DataSpec data;
  private final int iterations;
  private final double lr;
  private final int patience;

  ZeroQSynthesizer(ComponentRequest r) {
    OptionValues o = r.options();
    data = r.data();
    iterations = o.get(ITERATIONS);
    lr = o.get(LR);
    patience = o.get(PATIENCE);
  }

  @Override
  public SyntheticBatch synthesize(SynthesisContext ctx) {
    NDManager call = ctx.manager();
    int b = ctx.batchSize();
    float[] init = new float[b * data.channels() * data.height() * data.width()];
    for (int i = 0; i < init.length; i++) {
      init[i] = (float) ((ctx.random().nextInt(255) - 127.5) / 5418.75);
    }
    NDArray pixels = call.create(init, new Shape(b, data.channels(), data.height(), data.width()));
    pixels.setRequiresGradient(true);
    int[] y = new int[b];
    for (int i = 0; i < b; i++) {
      y[i] = ctx.random().nextInt(data.numClasses()); // ZeroQ has no labels; terms that use one see these
    }
    NDArray targets = call.create(y);
    Normalization norm = Normalization.of(data);
    Map<String, Double> losses = Map.of();
    InnerStep.Outcome last = null;
    try (Adam adam = Adam.of(List.of(new Adam.Group(List.of(pixels), lr)), 0.9, 0.999, call)) {
      NDManager previous = null;
      double best = Double.POSITIVE_INFINITY;
      int sinceBest = 0;
      double scale = 1;
      for (int it = 0; it < iterations; it++) {
        NDManager scope = call.newSubManager();
        last = InnerStep.run(ctx, scope, m -> norm.invert(m.ones(new Shape(1)).mul(pixels)), targets,
            ViewAugmenter.none(), norm, it, null);
        losses = last.losses();
        adam.step();
        // ReduceLROnPlateau(mode min, factor 0.1, patience, min_lr 1e-4, threshold 1e-4 relative)
        double total = last.total();
        if (total < best * (1 - 1e-4)) {
          best = total;
          sinceBest = 0;
        } else if (++sinceBest > patience) {
          scale = Math.max(scale * 0.1, MIN_LR / lr);
          adam.setLearningRateScale(scale);
          sinceBest = 0;
        }
        if (previous != null) {
          previous.close();
        }
        previous = scope;
      }
      NDArray kept = norm.invert(pixels.stopGradient()).clip(0f, 1f);
      for (WeightedTerm<SynthesisTerm> t : ctx.terms()) {
        t.term().afterCall(last.step(), kept);
      }
      if (previous != null) {
        previous.close();
      }
      return new SyntheticBatch(kept, targets, losses);
    }
  }

  @Override
  public Map<String, String> runTags() {
    return Map.of("data.source", "zeroq", "data.pool", "uint8-clipped");
  }

  @Override
  public void saveState(DataOutputStream out) {}

  @Override
  public void loadState(DataInputStream in) {}
}
