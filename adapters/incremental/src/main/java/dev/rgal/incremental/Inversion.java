package dev.rgal.incremental;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.rgal.api.DataSpec;
import dev.rgal.api.model.FeatureNet;
import dev.rgal.toolkit.data.Normalization;
import dev.rgal.toolkit.graph.GraphScalars;
import dev.rgal.toolkit.loss.NonFiniteLossException;
import dev.rgal.toolkit.progress.Progress;
import dev.rgal.toolkit.train.Adam;
import dev.rgal.toolkit.train.KdTrainer;
import dev.rgal.toolkit.zoo.Generator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Model inversion shared by {@code abd} and {@code rdfcil} (spec §3.2, §4.2): the benchmark's
 * 32×32 generator (nz 256, ngf 16, sigmoid, then normalise) trained against a frozen model's K_o
 * old logits with content CE(o/1000, argmax o) + balance + 50·BN-KL (mean over layers) +
 * 1e-3·smoothness, Adam lr 1e-3, betas 0.9/0.999, at the schedule's batch size.
 */
@API(status = EXPERIMENTAL, since = "0.2")
public final class Inversion {
  static final double TAU = 1000;
  static final double BN_WEIGHT = 50;
  static final double PRIOR_WEIGHT = 1e-3;
  static final double GENERATOR_LR = 1e-3;
  static final int NZ = 256;
  static final int NGF = 16;

  private Inversion() {}

  /** Where an inversion method's synthetic half comes from: its generator, or a {@link ReplayPool}. */
  @FunctionalInterface
  interface Replay {
    /** {@code n} normalised synthetic images in {@code m}, without gradient. */
    NDArray sample(long n, NDManager m);
  }

  /** The generator as a replay source (fresh samples every draw). */
  static Replay of(Generator generator, DataSpec spec) {
    return (n, m) -> sample(generator, spec, n, m);
  }

  static Generator generator(DataSpec spec, NDManager manager) {
    return Generator.builder().nz(NZ).ngf(NGF).channels(spec.channels()).imageSize(spec.height()).build(manager);
  }

  static Adam optimizer(Generator generator, NDManager manager) {
    return new Adam(List.of(new Adam.Group(KdTrainer.trainable(generator.block()), GENERATOR_LR)), 0.9, 0.999, 1e-8, 0, manager);
  }

  /** Synthetic images from the trained generator in eval mode, normalised, without gradient. */
  static NDArray sample(Generator generator, DataSpec spec, long n, NDManager m) {
    return dev.rgal.toolkit.graph.NoGrad.call(() -> Normalization.of(spec).apply(generator.forward(m.randomNormal(new Shape(n, NZ)), false)));
  }

  /**
   * Task t's inversion: the generator this task saved before an interruption, else trained now and
   * saved; records {@code inversion_loss} (NaN when restored).
   */
  static void trainOrRestore(LearnerContext ctx, FeatureNet previous, Generator generator, Adam adam, Map<String, Double> out) {
    if (ctx.checkpoints().restoreGenerator(ctx.task(), generator, adam)) {
      out.put("inversion_loss", Double.NaN); // inverted before the run was interrupted
    } else {
      out.put("inversion_loss", train(ctx, previous, generator, adam));
      ctx.checkpoints().saveGenerator(generator, adam);
    }
  }

  /** Trains the generator against the frozen previous model's K_o old logits; returns the last loss. */
  static double train(LearnerContext ctx, FeatureNet previous, Generator generator, Adam generatorAdam) {
    Normalization norm = Normalization.of(ctx.spec());
    int ko = ctx.oldClasses();
    int steps = ctx.schedule().inversionSteps();
    int batch = ctx.schedule().batchSize();
    double last = Double.NaN;
    generatorAdam.zeroGradients();
    try (Progress.Task bar = ctx.progress().start("task " + ctx.task() + " inversion", steps)) {
      for (int s = 0; s < steps; s++) {
        try (NDManager m = ctx.manager().newSubManager()) {
          NDArray z = m.randomNormal(new Shape(batch, NZ));
          double value;
          try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray raw = generator.forward(z, true);
            NDArray x = norm.apply(raw);
            var f = previous.forwardWithBnStatistics(x, false);
            NDArray o = Heads.slice(f.logits(), 0, ko);
            NDArray loss = InversionLosses.content(o, TAU)
                .add(InversionLosses.balance(o))
                .add(GraphScalars.mul(InversionLosses.bnKl(f.bnStatistics()), BN_WEIGHT))
                .add(GraphScalars.mul(InversionLosses.smoothness(x), PRIOR_WEIGHT));
            // RGAL's synthesis side (§7.5), when the method runs as method+rgal
            NDArray relation = ctx.relation().synthesisLoss(previous, ctx.model(), ctx.spec(), raw, x,
                RelationTerms.oldClasses(f, ko), ctx.task(), s, m, new java.util.Random(ctx.seed() * 7919 + s));
            if (relation != null) {
              loss = loss.add(relation);
            }
            value = loss.getFloat();
            NonFiniteLossException.check("task " + ctx.task() + " inversion step " + s, Map.of("inversion", value));
            gc.backward(loss);
          }
          generatorAdam.step();
          last = value;
          bar.step(1, String.format(Locale.ROOT, "loss %.4f", value));
        }
      }
    }
    return last;
  }

  /** Shows 8 samples per old class (or as many as 8·K_o draws give) to the run's replay grid. */
  static void showReplay(LearnerContext ctx, Replay replay, FeatureNet previous) {
    try (NDManager m = ctx.manager().newSubManager()) {
      NDArray x = replay.sample(8L * ctx.oldClasses(), m);
      NDArray labels = dev.rgal.toolkit.graph.NoGrad.call(() ->
          Heads.slice(previous.forward(x, false).logits(), 0, ctx.oldClasses()).argMax(1));
      long[] l = labels.toType(ai.djl.ndarray.types.DataType.INT64, false).toLongArray();
      int[] ints = new int[l.length];
      for (int i = 0; i < l.length; i++) {
        ints[i] = (int) l[i];
      }
      ctx.replay().samples(Normalization.of(ctx.spec()).invert(x), ints);
    }
  }
}
