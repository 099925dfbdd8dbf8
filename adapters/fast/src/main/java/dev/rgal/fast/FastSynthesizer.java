package dev.rgal.fast;

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
import dev.rgal.engine.synthesis.BestIterate;
import dev.rgal.engine.synthesis.InnerStep;
import dev.rgal.engine.synthesis.ViewAugmenter;
import dev.rgal.engine.train.Adam;
import dev.rgal.engine.train.ArrayState;
import dev.rgal.engine.train.GradientSum;
import dev.rgal.engine.train.KdTrainer;
import dev.rgal.engine.zoo.Generator;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import ai.djl.nn.Parameter;
import java.util.List;

/**
 * The Fast synthesizer ({@code spec/baseline-methods.md} §3.2). Each call copies the persistent
 * meta-generator, adapts the copy and a fresh latent z for {@code gSteps} inner Adam steps
 * (generator at {@code lrG}, z at {@code lrZ}, betas (0.5, 0.999), new every call), keeps the
 * lowest-loss iterate, and updates the meta-generator with the first-order MAML gradient — the sum
 * of the inner gradients at every adapted point — through a persistent Adam at {@code metaLr}.
 *
 * <p>Settings: {@code gSteps} (5), {@code lrG} (3e-3), {@code lrZ} (1e-2), {@code metaLr}
 * (lrG·gSteps), {@code nz} (256), {@code ngf} (64), {@code augPadding} (4).
 */
final class FastSynthesizer implements Synthesizer {
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
    Settings s = r.settings();
    gSteps = s.getInt("gSteps", 5);
    lrG = s.getDouble("lrG", 3e-3);
    lrZ = s.getDouble("lrZ", 1e-2);
    nz = s.getInt("nz", 256);
    ngf = s.getInt("ngf", 64);
    augPadding = s.getInt("augPadding", 4);
    data = r.data();
    meta = Generator.builder().nz(nz).ngf(ngf).channels(data.channels()).imageSize(data.height()).build(r.manager());
    metaAdam = Adam.of(List.of(new Adam.Group(KdTrainer.trainable(meta.block()), s.getDouble("metaLr", lrG * gSteps))),
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
