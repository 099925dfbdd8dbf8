package dev.rgal.quantization;

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
import dev.rgal.toolkit.data.Normalization;
import dev.rgal.toolkit.state.ArrayState;
import dev.rgal.toolkit.synthesis.InnerStep;
import dev.rgal.toolkit.synthesis.ViewAugmenter;
import dev.rgal.toolkit.train.Adam;
import dev.rgal.toolkit.train.KdTrainer;
import dev.rgal.toolkit.zoo.Generator;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * GDFQ's knowledge-matching generator (spec §2.2, DFQ row R5), trained alongside the model being
 * quantized. One persistent conditional generator: the latent is z ⊙ Emb(y), z ~ N(0, I), y
 * uniform over the classes, Emb a trainable [K, nz] table initialised N(0, 1) as
 * {@code nn.Embedding}. Every synthesis call takes {@code gSteps} Adam steps (lr {@code lrG},
 * betas (0.5, 0.999), persistent across calls, as GDFQ's G optimiser) on the run's synthesis terms,
 * each on a fresh (z, y), and the images of the last step go to the pool (y is the batch's targets). The
 * generator never sees a gradient from the student (GDFQ is not adversarial) unless the spec adds a
 * student term such as {@code adv} or RGAL's relation term.
 *
 * <p>Deviation, recorded: the generator body is the toolkit's 32-px DFKD generator (the same
 * Linear → 8×8 → two upsampling conv blocks, 2·ngf = 128 channels at ngf 64), whose sigmoid output
 * is in pixel space and normalised before the teacher, where GDFQ ends in tanh and an affine-free BN
 * in normalised space; the pool stores pixels either way.
 *
 * <p>Options: {@link #OPTIONS}.
 */
final class GdfqSynthesizer implements Synthesizer {
  static final Option<Integer> G_STEPS = Option.integer("gSteps", 5,
      "generator Adam steps per synthesis call, each on a fresh latent and labels").atLeast(1);
  static final Option<Double> LR_G = Option.real("lrG", 1e-3, "Adam learning rate of the generator and its label embedding").atLeast(0);
  static final Option<Integer> NZ = Option.integer("nz", 100, "latent dimension (GDFQ: 100)").atLeast(1);
  static final Option<Integer> NGF = Option.integer("ngf", 64, "generator width (feature maps; 2·ngf after the linear layer)").atLeast(1);
  static final Options OPTIONS = Options.of(G_STEPS, LR_G, NZ, NGF);

  private final int gSteps;
  private final int nz;
  private final DataSpec data;
  private final NDManager manager;
  private final Generator generator;
  private final NDArray embedding;
  private final Adam adam;

  GdfqSynthesizer(ComponentRequest r) {
    OptionValues o = r.options();
    gSteps = o.get(G_STEPS);
    nz = o.get(NZ);
    data = r.data();
    manager = r.manager().newSubManager();
    generator = Generator.builder().nz(nz).ngf(o.get(NGF)).channels(data.channels()).imageSize(data.height()).build(manager);
    embedding = manager.randomNormal(new Shape(data.numClasses(), nz));
    embedding.setRequiresGradient(true);
    List<NDArray> weights = new ArrayList<>(KdTrainer.trainable(generator.block()));
    weights.add(embedding);
    adam = Adam.of(List.of(new Adam.Group(weights, o.get(LR_G))), 0.5, 0.999, manager);
  }

  @Override
  public SyntheticBatch synthesize(SynthesisContext ctx) {
    NDManager call = ctx.manager();
    int b = ctx.batchSize();
    Normalization norm = Normalization.of(data);
    ViewAugmenter none = (x, rnd) -> x; // GDFQ trains G on the images as generated
    NDArray images = null;
    NDArray targets = null;
    java.util.Map<String, Double> losses = java.util.Map.of();
    for (int it = 0; it < gSteps; it++) {
      int[] y = new int[b];
      for (int i = 0; i < b; i++) {
        y[i] = ctx.random().nextInt(data.numClasses());
      }
      NDArray labels = call.create(y);
      try (NDManager scope = call.newSubManager()) {
        NDArray z = scope.randomNormal(new Shape(b, nz)); // everything of this step lives in its scope
        InnerStep.Outcome step = InnerStep.run(ctx, scope, m -> {
          NDArray oneHot = labels.oneHot(data.numClasses());
          oneHot.attach(m);
          return generator.forward(z.mul(oneHot.dot(embedding)), true);
        }, labels, none, norm, it, null);
        adam.step();
        if (it == gSteps - 1) {
          images = step.raw().stopGradient();
          images.attach(call);
          for (WeightedTerm<SynthesisTerm> t : ctx.terms()) {
            t.term().afterCall(step.step(), images);
          }
        }
        losses = step.losses();
      }
      targets = labels;
    }
    return new SyntheticBatch(images, targets, losses);
  }

  @Override
  public void saveState(DataOutputStream out) {
    ArrayState.write(out, arrays());
    adam.saveState(out);
  }

  @Override
  public void loadState(DataInputStream in) {
    ArrayState.readInto(in, manager, arrays()); // in place: Adam holds these arrays
    adam.loadState(in);
  }

  private List<NDArray> arrays() {
    List<NDArray> a = new ArrayList<>(generator.stateDict().values().stream().map(Parameter::getArray).toList());
    a.add(embedding);
    return a;
  }

  @Override
  public void close() {
    adam.close();
    generator.close();
    manager.close();
  }
}
