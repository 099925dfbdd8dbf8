package dev.rgal.toolkit.synthesis;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.rgal.api.ComponentRequest;
import dev.rgal.api.DataSpec;
import dev.rgal.api.WeightedTerm;
import dev.rgal.api.options.Option;
import dev.rgal.api.options.OptionValues;
import dev.rgal.api.options.Options;
import dev.rgal.api.synthesis.SynthesisContext;
import dev.rgal.api.synthesis.SynthesisTerm;
import dev.rgal.api.synthesis.Synthesizer;
import dev.rgal.api.synthesis.SyntheticBatch;
import dev.rgal.toolkit.data.BatchAugment;
import dev.rgal.toolkit.data.Normalization;
import dev.rgal.toolkit.train.Adam;
import dev.rgal.toolkit.train.KdTrainer;
import dev.rgal.toolkit.zoo.Generator;
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
 * <p>Options: {@link #OPTIONS}.
 */
@API(status = STABLE, since = "0.1")
public final class PerCallGeneratorSynthesizer implements Synthesizer {
  public static final Option<Integer> G_STEPS = Option.integer("gSteps", 50,
      "generator/latent optimisation steps per synthesis call").atLeast(1);
  public static final Option<Double> LR = Option.real("lr", 1e-3,
      "Adam learning rate of the generator and latent z").atLeast(0);
  public static final Option<Integer> NZ = Option.integer("nz", 256, "latent dimension").atLeast(1);
  public static final Option<Integer> NGF = Option.integer("ngf", 64, "generator width (feature maps)").atLeast(1);
  public static final Option<Integer> AUG_PADDING = Option.integer("augPadding", 4,
      "zero padding of the random crop applied to synthetic views").atLeast(0);
  public static final Option<Boolean> SORT_TARGETS = Option.flag("sortTargets", true,
      "sort each call's random target labels (as the reference code does)");
  public static final Options OPTIONS = Options.of(G_STEPS, LR, NZ, NGF, AUG_PADDING, SORT_TARGETS);

  private final int gSteps;
  private final double lr;
  private final int nz;
  private final int ngf;
  private final int augPadding;
  private final boolean sortTargets;
  private final DataSpec data;

  public PerCallGeneratorSynthesizer(ComponentRequest r) {
    OptionValues o = r.options();
    gSteps = o.get(G_STEPS);
    lr = o.get(LR);
    nz = o.get(NZ);
    ngf = o.get(NGF);
    augPadding = o.get(AUG_PADDING);
    sortTargets = o.get(SORT_TARGETS);
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
