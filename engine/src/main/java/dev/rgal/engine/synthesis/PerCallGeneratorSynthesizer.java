package dev.rgal.engine.synthesis;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.rgal.api.ComponentRequest;
import dev.rgal.api.DataSpec;
import dev.rgal.api.Settings;
import dev.rgal.api.WeightedTerm;
import dev.rgal.api.synthesis.SynthesisContext;
import dev.rgal.api.synthesis.SynthesisTerm;
import dev.rgal.api.synthesis.Synthesizer;
import dev.rgal.api.synthesis.SyntheticBatch;
import dev.rgal.engine.data.BatchAugment;
import dev.rgal.engine.data.Normalization;
import dev.rgal.engine.train.Adam;
import dev.rgal.engine.train.KdTrainer;
import dev.rgal.engine.zoo.Generator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A generator re-initialised at every call, CMI style ({@code spec/baseline-methods.md} §4.1,
 * {@code spec/rgal-method.md} §3): conv/linear weights N(0, 0.02) with bias 0, BN weight
 * N(1, 0.02) with bias 0; a fresh latent z and sorted random targets; Adam over the generator
 * and z at {@code lr}, betas (0.5, 0.999), for {@code gSteps} iterations (a term that trains
 * weights of its own, like CMI's head, steps its own optimiser); the lowest-loss un-augmented iterate is kept. Nothing carries over
 * between calls except what the terms keep. The CMI and RGAL plugins bind it under their names.
 *
 * <p>Settings: {@code gSteps} (50), {@code lr} (1e-3), {@code nz} (256), {@code ngf} (64),
 * {@code augPadding} (4), {@code sortTargets} (true).
 */
public final class PerCallGeneratorSynthesizer implements Synthesizer {
  private final int gSteps;
  private final double lr;
  private final int nz;
  private final int ngf;
  private final int augPadding;
  private final boolean sortTargets;
  private final DataSpec data;

  public PerCallGeneratorSynthesizer(ComponentRequest r) {
    Settings s = r.settings();
    gSteps = s.getInt("gSteps", 50);
    lr = s.getDouble("lr", 1e-3);
    nz = s.getInt("nz", 256);
    ngf = s.getInt("ngf", 64);
    augPadding = s.getInt("augPadding", 4);
    sortTargets = s.getBoolean("sortTargets", true);
    data = r.data();
  }

  @Override
  public SyntheticBatch synthesize(SynthesisContext ctx) {
    NDManager call = ctx.manager();
    int b = ctx.batchSize();
    int[] y = new int[b];
    for (int i = 0; i < b; i++) {
      y[i] = ctx.random().nextInt(data.numClasses());
    }
    if (sortTargets) {
      Arrays.sort(y);
    }
    NDArray targets = call.create(y);
    Normalization norm = Normalization.of(data);
    ViewAugmenter aug = (x, rnd) -> BatchAugment.cropAndFlip(x, augPadding, true, rnd);
    try (Generator g = Generator.builder().nz(nz).ngf(ngf).channels(data.channels()).imageSize(data.height()).build(call)) {
      g.reinitialize();
      NDArray z = call.randomNormal(new Shape(b, nz));
      z.setRequiresGradient(true);
      List<NDArray> weights = new ArrayList<>(KdTrainer.trainable(g.block()));
      weights.add(z);
      BestIterate best = new BestIterate(call);
      try (Adam adam = Adam.of(List.of(new Adam.Group(weights, lr)), 0.5, 0.999, call)) {
        NDManager lastScope = null;
        InnerStep.Outcome last = null;
        for (int it = 0; it < gSteps; it++) {
          NDManager scope = call.newSubManager();
          last = InnerStep.run(ctx, scope, m -> {
            // z joins the iteration's scope for its duration, so the ops on it create their
            // results there (duplicate() would cut z out of the autograd graph)
            m.tempAttachAll(z);
            return g.forward(z, true);
          }, targets, aug, norm, it, null);
          best.offer(last.raw(), last.losses());
          adam.step();
          // close each iteration's scope right after its step (so z's temporary attachment
          // nests cleanly); the last one stays open for the terms' afterCall
          if (it < gSteps - 1) {
            scope.close();
          } else {
            lastScope = scope;
          }
        }
        for (WeightedTerm<SynthesisTerm> t : ctx.terms()) {
          t.term().afterCall(last.step(), best.images());
        }
        if (lastScope != null) {
          lastScope.close();
        }
      }
      return new SyntheticBatch(best.images(), targets, best.losses());
    }
  }
}
