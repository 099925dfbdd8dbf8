package dev.rgal.fast;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
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
import dev.rgal.toolkit.synthesis.BestIterate;
import dev.rgal.toolkit.synthesis.InnerStep;
import dev.rgal.toolkit.synthesis.ViewAugmenter;
import dev.rgal.toolkit.train.Adam;
import dev.rgal.toolkit.state.ArrayState;
import dev.rgal.toolkit.train.GradientSum;
import dev.rgal.toolkit.train.KdTrainer;
import dev.rgal.toolkit.zoo.Generator;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.List;

/**
 * The Fast synthesizer ({@code spec/baseline-methods.md} §3.2). Each call copies the persistent
 * meta-generator, adapts the copy and a fresh latent z for {@code gSteps} inner Adam steps
 * (generator at {@code lrG}, z at {@code lrZ}, betas (0.5, 0.999), new every call), keeps the
 * lowest-loss iterate, and updates the meta-generator with the first-order MAML gradient — the sum
 * of the inner gradients at every adapted point — through a persistent Adam at {@code metaLr}.
 *
 * <p>Options: {@link #OPTIONS}.
 */
final class FastSynthesizer implements Synthesizer {
  static final Option<Integer> G_STEPS = Option.integer("gSteps", 5,
      "inner adaptation steps per synthesis call").atLeast(1);
  static final Option<Double> LR_G = Option.real("lrG", 3e-3, "inner Adam learning rate of the generator copy").atLeast(0);
  static final Option<Double> LR_Z = Option.real("lrZ", 1e-2, "inner Adam learning rate of the latent z").atLeast(0);
  static final Option<Double> META_LR = Option.real("metaLr", 0,
      "Adam learning rate of the meta-generator (unset: lrG·gSteps)").atLeast(0).optional();
  static final Option<Integer> NZ = Option.integer("nz", 256, "latent dimension").atLeast(1);
  static final Option<Integer> NGF = Option.integer("ngf", 64, "generator width (feature maps)").atLeast(1);
  static final Option<Integer> AUG_PADDING = Option.integer("augPadding", 4,
      "zero padding of the random crop applied to synthetic views").atLeast(0);
  static final Options OPTIONS = Options.of(G_STEPS, LR_G, LR_Z, META_LR, NZ, NGF, AUG_PADDING);

  private final int gSteps;
  private final double lrG;
  private final double lrZ;
  private final int nz;
  private final int ngf;
  private final int augPadding;
  private final DataSpec data;
  private final Generator meta;
  private final Adam metaAdam;

  FastSynthesizer(ComponentRequest r) {
    OptionValues s = r.options();
    gSteps = s.get(G_STEPS);
    lrG = s.get(LR_G);
    lrZ = s.get(LR_Z);
    nz = s.get(NZ);
    ngf = s.get(NGF);
    augPadding = s.get(AUG_PADDING);
    data = r.data();
    meta = Generator.builder().nz(nz).ngf(ngf).channels(data.channels()).imageSize(data.height()).build(r.manager());
    metaAdam = Adam.of(List.of(new Adam.Group(KdTrainer.trainable(meta.block()), s.isSet(META_LR) ? s.get(META_LR) : lrG * gSteps)),
        0.5, 0.999, r.manager());
  }

  @Override
  public SyntheticBatch synthesize(SynthesisContext ctx) {
    NDManager call = ctx.manager();
    int b = ctx.batchSize();
    NDArray z = call.randomNormal(new Shape(b, nz));
    z.setRequiresGradient(true);
    int[] y = new int[b];
    for (int i = 0; i < b; i++) {
      y[i] = ctx.random().nextInt(data.numClasses());
    }
    NDArray targets = call.create(y);
    Normalization norm = Normalization.of(data);
    ViewAugmenter aug = (x, rnd) -> BatchAugment.cropAndFlip(x, augPadding, true, rnd);
    try (Generator inner = Generator.builder().nz(nz).ngf(ngf).channels(data.channels()).imageSize(data.height()).build(call)) {
      inner.copyFrom(meta);
      List<NDArray> innerWeights = KdTrainer.trainable(inner.block());
      BestIterate best = new BestIterate(call);
      try (GradientSum metaGrad = new GradientSum(innerWeights, call);
          Adam innerAdam = Adam.of(List.of(new Adam.Group(innerWeights, lrG), new Adam.Group(List.of(z), lrZ)), 0.5, 0.999, call)) {
        NDManager lastScope = null;
        InnerStep.Outcome last = null;
        for (int it = 0; it < gSteps; it++) {
          NDManager scope = call.newSubManager();
          last = InnerStep.run(ctx, scope, m -> {
            // z joins the iteration's scope for its duration, so the ops on it create their
            // results there (duplicate() would cut z out of the autograd graph)
            m.tempAttachAll(z);
            return inner.forward(z, true);
          }, targets, aug, norm, it, null);
          best.offer(last.raw(), last.losses());
          // first-order MAML: the meta-gradient is the sum of the inner gradients
          metaGrad.add();
          innerAdam.step();
          // close each iteration's scope right after its step (so z's temporary attachment
          // nests cleanly); the last one stays open for the terms' afterCall
          if (it < gSteps - 1) {
            scope.close();
          } else {
            lastScope = scope;
          }
        }
        metaAdam.step(metaGrad.sums());
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

  @Override
  public void saveState(DataOutputStream out) {
    ArrayState.write(out, metaArrays());
    metaAdam.saveState(out);
  }

  @Override
  public void loadState(DataInputStream in) {
    // in place: the meta-optimiser holds these arrays
    ArrayState.readInto(in, meta.manager(), metaArrays());
    metaAdam.loadState(in);
  }

  /** The meta-generator's trainable weights (tests). */
  List<NDArray> metaWeights() {
    return KdTrainer.trainable(meta.block());
  }

  private List<NDArray> metaArrays() {
    return meta.stateDict().values().stream().map(Parameter::getArray).toList();
  }

  @Override
  public void close() {
    metaAdam.close();
    meta.close();
  }
}
