package dev.rgal.deepinversion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.rgal.api.ComponentRequest;
import dev.rgal.api.DataSpec;
import dev.rgal.api.DfkdException;
import dev.rgal.api.WeightedTerm;
import dev.rgal.api.options.Option;
import dev.rgal.api.options.OptionValues;
import dev.rgal.api.options.Options;
import dev.rgal.api.synthesis.SynthesisContext;
import dev.rgal.api.synthesis.SynthesisTerm;
import dev.rgal.api.synthesis.Synthesizer;
import dev.rgal.api.synthesis.SyntheticBatch;
import dev.rgal.toolkit.data.Normalization;
import dev.rgal.toolkit.synthesis.BestIterate;
import dev.rgal.toolkit.synthesis.InnerStep;
import dev.rgal.toolkit.synthesis.ViewAugmenter;
import dev.rgal.toolkit.train.Adam;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * DeepInversion as the zju benchmark runs it ({@code spec/baseline-methods.md} §2.4), scaled by
 * {@code benchmarks/fmnist-lenet5.md}. Each call starts from fresh pixels N(0, 1) in normalised
 * space and sorted random targets, and runs {@code gSteps} Adam steps at {@code lr} on the pixels
 * (terms with weights of their own step their own optimisers). Every iteration augments with a circular
 * jitter of up to ±{@code jitter} px per axis and, when {@code flip}, a horizontal flip of the
 * whole batch with probability 0.5; after every step the pixels are clamped per channel to the
 * valid range [−m/s, (1−m)/s]. The call returns the lowest-loss un-augmented iterate in [0, 1].
 * Nothing carries over between calls except what the terms keep. When a term needs the student
 * (ADI's competition term), the student being trained runs forward in eval mode every iteration.
 *
 * <p>Betas: §2.4 reads (0.5, 0.99) from the zju code; the benchmark file fixes (0.5, 0.999), which
 * is the default here. Options: {@link #OPTIONS}.
 */
final class DeepInversionSynthesizer implements Synthesizer {
  static final Option<Integer> G_STEPS = Option.integer("gSteps", 200, "Adam steps on the pixels per call").atLeast(1);
  static final Option<Double> LR = Option.real("lr", 0.1, "Adam learning rate of the pixels").atLeast(1e-12);
  static final Option<Integer> JITTER = Option.integer("jitter", 2,
      "largest circular shift per axis (px) of each iteration's augmentation").atLeast(0);
  static final Option<Boolean> FLIP = Option.flag("flip", true, "flip the whole batch horizontally with probability 0.5");
  static final Option<Double> BETA1 = Option.real("beta1", 0.5, "Adam β1").between(0, 0.999999);
  static final Option<Double> BETA2 = Option.real("beta2", 0.999, "Adam β2").between(0, 0.999999);
  static final Options OPTIONS = Options.of(G_STEPS, LR, JITTER, FLIP, BETA1, BETA2);

  /** Observes each inner iteration while its arrays are open (tests and diagnostics). */
  @FunctionalInterface
  interface IterationListener {
    void onIteration(int iteration, InnerStep.Outcome outcome);
  }

  private final int gSteps;
  private final double lr;
  private final int jitter;
  private final boolean flip;
  private final double beta1;
  private final double beta2;
  private final DataSpec data;
  private final IterationListener listener;

  DeepInversionSynthesizer(ComponentRequest r) {
    this(r, (i, o) -> {});
  }

  DeepInversionSynthesizer(ComponentRequest r, IterationListener listener) {
    OptionValues s = r.options();
    gSteps = s.get(G_STEPS);
    lr = s.get(LR);
    jitter = s.get(JITTER);
    flip = s.get(FLIP);
    beta1 = s.get(BETA1);
    beta2 = s.get(BETA2);
    data = r.data();
    this.listener = listener;
    if (gSteps < 1) {
      throw new DfkdException("deepinversion: gSteps must be at least 1, got " + gSteps + "; set synthesizer.settings.gSteps");
    }
    if (!(lr > 0)) {
      throw new DfkdException("deepinversion: lr must be positive, got " + lr + "; set synthesizer.settings.lr");
    }
    if (jitter < 0 || jitter >= Math.min(data.height(), data.width())) {
      throw new DfkdException("deepinversion: jitter must be in [0, image size), got " + jitter
          + "; set synthesizer.settings.jitter");
    }
    for (String key : new String[] {"beta1", "beta2"}) {
      double beta = key.equals("beta1") ? beta1 : beta2;
      if (!(beta >= 0 && beta < 1)) {
        throw new DfkdException("deepinversion: " + key + " must be in [0, 1), got " + beta
            + "; set synthesizer.settings." + key);
      }
    }
  }

  @Override
  public SyntheticBatch synthesize(SynthesisContext ctx) {
    NDManager call = ctx.manager();
    int b = ctx.batchSize();
    int[] y = new int[b];
    for (int i = 0; i < b; i++) {
      y[i] = ctx.random().nextInt(data.numClasses());
    }
    Arrays.sort(y);
    NDArray targets = call.create(y);
    Normalization norm = Normalization.of(data);
    NDArray[] range = PixelOps.validRange(data.mean(), data.std(), call);
    // The optimised pixels live in normalised space, as in the reference code.
    NDArray pixels = call.randomNormal(new Shape(b, data.channels(), data.height(), data.width()));
    pixels.setRequiresGradient(true);
    // InnerStep augments the raw ([0, 1]-space) images and then normalises them. Roll and flip only
    // permute pixel positions within a channel and normalisation is a per-channel affine map, so
    // norm(jitterAndFlip(invert(pixels))) == jitterAndFlip(pixels): the views are exactly the
    // reference's augmented normalised pixels.
    ViewAugmenter aug = (x, rnd) -> PixelOps.jitterAndFlip(x, jitter, flip, rnd);
    List<NDArray> weights = new ArrayList<>();
    weights.add(pixels);
    BestIterate best = new BestIterate(call);
    try (Adam adam = Adam.of(List.of(new Adam.Group(weights, lr)), beta1, beta2, call)) {
      NDManager previous = null;
      InnerStep.Outcome last = null;
      for (int it = 0; it < gSteps; it++) {
        // a manager per iteration: its graph and intermediates are freed once the next one exists
        NDManager scope = call.newSubManager();
        last = InnerStep.run(ctx, scope, m -> {
          // Not pixels.duplicate(): DJL's PyTorch duplicate() is a detached copy, so no gradient
          // would reach the pixels. An op whose first operand lives in this iteration's manager
          // keeps the graph and puts every intermediate there.
          NDArray p = m.ones(new Shape(1)).mul(pixels);
          // unclamped on purpose: the pixels are clamped after each step, not inside the graph
          return norm.invert(p);
        }, targets, aug, norm, it, null);
        listener.onIteration(it, last);
        best.offer(last.raw(), last.losses());
        adam.step();
        PixelOps.clampInPlace(pixels, range[0], range[1]);
        if (previous != null) {
          previous.close();
        }
        previous = scope;
      }
      // the first iterate is unclamped noise and inverting the bounds can overshoot by an ulp
      NDArray kept = best.images().clip(0f, 1f);
      for (WeightedTerm<SynthesisTerm> t : ctx.terms()) {
        t.term().afterCall(last.step(), kept);
      }
      if (previous != null) {
        previous.close();
      }
      return new SyntheticBatch(kept, targets, best.losses());
    }
  }
}
