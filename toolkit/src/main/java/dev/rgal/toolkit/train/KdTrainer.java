package dev.rgal.toolkit.train;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import dev.rgal.api.ComponentRequest;
import dev.rgal.api.DfkdException;
import dev.rgal.api.WeightedTerm;
import dev.rgal.api.model.FeatureNet;
import dev.rgal.api.model.Features;
import dev.rgal.api.options.Option;
import dev.rgal.api.options.OptionValues;
import dev.rgal.api.options.Options;
import dev.rgal.api.training.DataPool;
import dev.rgal.api.training.StudentContext;
import dev.rgal.api.training.StudentStep;
import dev.rgal.api.training.StudentTerm;
import dev.rgal.api.training.StudentTrainer;
import dev.rgal.api.training.TrainingSummary;
import dev.rgal.toolkit.graph.GraphScalars;
import dev.rgal.toolkit.loss.Losses;
import dev.rgal.toolkit.loss.NonFiniteLossException;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code kd} student trainer: for each step, a batch from the pool (paired views when a term
 * asks for them), the teacher's features without gradient, the student's with, loss
 * {@code T²·KL(teacher‖student) + Σ w·term}, one SGD step over the student and every block the
 * terms registered. The learning rate follows {@link #LR_SCHEDULE}, stepped per epoch; the number
 * of steps is the loop's ({@code schedule.kdStepsPerEpoch}, in {@link StudentContext#steps()}).
 * With {@link #MIX} set, each batch is mixed with a shuffled copy of itself before both forwards
 * ({@link KdMixing}). With {@link #CROSS_ENTROPY_WEIGHT} above 0 the loss also has
 * {@code w·CE(student, label)} on the label each pool image was stored with (GDFQ's QAT-KD with
 * generator labels; a real image's label for real-data rows).
 *
 * <p>Options: {@link #OPTIONS}.
 */
@API(status = STABLE, since = "0.1")
public final class KdTrainer implements StudentTrainer {
  public static final Option<Double> LR = Option.real("lr", 0.1,
      "SGD learning rate at the start of the schedule").atLeast(0);
  public static final Option<Double> MOMENTUM = Option.real("momentum", 0.9, "SGD momentum").between(0, 1);
  public static final Option<Double> WEIGHT_DECAY = Option.real("weightDecay", 1e-4,
      "SGD weight decay (L2, added to the gradient)").atLeast(0);
  public static final Option<String> LR_SCHEDULE = Option.choice("lrSchedule", "cosine",
      "learning-rate schedule over the epochs, stepped once per epoch", "cosine", "constant");
  public static final Option<Double> LR_MIN = Option.real("lrMin", 0.0,
      "learning rate the cosine schedule anneals to").atLeast(0);
  public static final Option<Double> TEMPERATURE = Option.real("temperature", 20.0,
      "KD softmax temperature T (loss T²·KL(teacher‖student))").atLeast(0.01);
  public static final Option<Integer> BATCH_SIZE = Option.integer("batchSize", 256,
      "images per KD step (with paired views: pairs × 2)").atLeast(2);
  public static final Option<String> MIX = Option.choice("mix", KdMixing.NONE,
      "KD-time mixing of each pool batch with a shuffled copy of itself (the teacher labels the mixed"
          + " images): none, mixup (convex combination) or cutmix (pasted box); not with paired views",
      KdMixing.NONE, KdMixing.MIXUP, KdMixing.CUTMIX);
  public static final Option<Double> MIX_ALPHA = Option.real("mixAlpha", 1.0,
      "Beta(α, α) parameter of the mixing fraction, drawn once per batch (1 = uniform)").atLeast(0.01);
  public static final Option<Double> CROSS_ENTROPY_WEIGHT = Option.real("crossEntropyWeight", 0.0,
      "weight of cross-entropy between the student's logits and the label each pool image was stored"
          + " with (the class it was synthesised for, or a real image's label); 0 = off, GDFQ's QAT uses 1."
          + " Needs a pool whose images all have labels; not with mix").atLeast(0);
  /** The {@code kd} trainer's options; trainers built on this loop declare these too. */
  public static final Options OPTIONS = Options.of(LR, MOMENTUM, WEIGHT_DECAY, LR_SCHEDULE, LR_MIN,
      TEMPERATURE, BATCH_SIZE, MIX, MIX_ALPHA, CROSS_ENTROPY_WEIGHT);

  private final OptionValues options;
  private final FeatureNet student;
  private final List<WeightedTerm<StudentTerm>> terms;
  private final Sgd sgd;
  private final boolean paired;
  private final KdMixing mixing;
  private final double crossEntropyWeight;

  public KdTrainer(ComponentRequest request, FeatureNet student, List<WeightedTerm<StudentTerm>> terms) {
    this.options = request.options();
    this.student = student;
    this.terms = List.copyOf(terms);
    List<NDArray> weights = new ArrayList<>(trainable(student.block()));
    for (WeightedTerm<StudentTerm> t : terms) {
      for (Block b : t.term().trainableBlocks()) {
        weights.addAll(trainable(b));
      }
    }
    this.sgd = new Sgd(weights, options.get(MOMENTUM), options.get(WEIGHT_DECAY), request.manager());
    this.paired = terms.stream().anyMatch(t -> t.term().needsPairedViews());
    this.mixing = new KdMixing(options.get(MIX), options.get(MIX_ALPHA));
    if (paired && mixing.enabled()) {
      // mixing would pair a view of one image with a view of another mixture
      throw new DfkdException("trainer option mix=" + options.get(MIX) + " cannot be used with a student term that"
          + " needs paired views (e.g. the rgal terms): set trainer.settings.mix=none or drop that term");
    }
    this.crossEntropyWeight = options.get(CROSS_ENTROPY_WEIGHT);
    if (crossEntropyWeight > 0 && mixing.enabled()) {
      // a mixed image has no single stored label
      throw new DfkdException("trainer option mix=" + options.get(MIX) + " cannot be used with crossEntropyWeight="
          + crossEntropyWeight + ": set trainer.settings.mix=none or trainer.settings.crossEntropyWeight=0");
    }
  }

  /** Arrays of the block's parameters that require gradients (BN running statistics excluded). */
  public static List<NDArray> trainable(Block block) {
    List<NDArray> out = new ArrayList<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      if (p.getValue().requiresGradient()) {
        out.add(p.getValue().getArray());
      }
    }
    return out;
  }

  @Override
  public TrainingSummary trainEpoch(StudentContext ctx) {
    double lr = LearningRates.at(options.get(LR_SCHEDULE), options.get(LR), options.get(LR_MIN),
        ctx.epoch(), ctx.epochs());
    int steps = ctx.steps();
    int batch = options.get(BATCH_SIZE);
    double temperature = options.get(TEMPERATURE);
    Map<String, Double> sums = new LinkedHashMap<>();
    if (crossEntropyWeight > 0 && !ctx.pool().hasLabels()) {
      throw new DfkdException("trainer option crossEntropyWeight=" + crossEntropyWeight + " needs labels on every"
          + " pool image, and this pool has images without one: set trainer.settings.crossEntropyWeight=0");
    }
    for (int step = 0; step < steps; step++) {
      try (NDManager m = ctx.manager().newSubManager()) {
        // Synthesis back-propagates adversarial losses through the student into these very
        // gradients (up to gSteps iterations' worth per call); start every step from zero.
        sgd.zeroGradients();
        NDArray x;
        NDArray labels = null;
        if (crossEntropyWeight > 0) {
          DataPool.LabelledBatch b = ctx.pool().sampleLabelled(m, batch, paired, ctx.random());
          x = b.images();
          labels = b.labels();
        } else {
          x = paired ? ctx.pool().samplePaired(m, batch / 2, ctx.random())
              : mixing.apply(ctx.pool().sample(m, batch, ctx.random()), m, ctx.random());
        }
        Features teacher = ctx.teacher().forward(x, false);
        Map<String, NDArray> parts = new LinkedHashMap<>();
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          Features s = student.forward(x, true);
          NDArray total = Losses.kd(s.logits(), teacher.logits().stopGradient(), temperature);
          parts.put("kd", total);
          if (labels != null) {
            NDArray ce = GraphScalars.mul(Losses.crossEntropy(s.logits(), labels), (float) crossEntropyWeight);
            parts.put("ce", ce);
            total = total.add(ce);
          }
          StudentStep view = new StudentStep(x, teacher, s, paired, ctx.epoch(), step);
          for (WeightedTerm<StudentTerm> t : terms) {
            NDArray v = GraphScalars.mul(t.term().loss(view), (float) t.weight());
            parts.put(t.name(), v);
            total = total.add(v);
          }
          parts.put("total", total);
          gc.backward(total);
        }
        Map<String, Double> values = new LinkedHashMap<>();
        parts.forEach((k, v) -> values.put(k, (double) v.getFloat()));
        // check before the update so a NaN never reaches the weights
        NonFiniteLossException.check("student training, epoch " + ctx.epoch() + " step " + step, values);
        sgd.step(lr);
        values.forEach((k, v) -> sums.merge(k, v, Double::sum));
      }
    }
    Map<String, Double> means = new LinkedHashMap<>();
    sums.forEach((k, v) -> means.put(k, v / steps));
    return new TrainingSummary(steps, lr, means);
  }

  @Override
  public void saveState(DataOutputStream out) {
    sgd.saveState(out);
  }

  @Override
  public void loadState(DataInputStream in) {
    sgd.loadState(in);
  }

  @Override
  public void close() {
    sgd.close();
  }
}
