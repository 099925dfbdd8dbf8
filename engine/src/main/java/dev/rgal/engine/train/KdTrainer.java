package dev.rgal.engine.train;

import dev.rgal.engine.loss.GraphScalars;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import dev.rgal.api.ComponentRequest;
import dev.rgal.api.RunSpec;
import dev.rgal.api.WeightedTerm;
import dev.rgal.api.model.FeatureNet;
import dev.rgal.api.model.Features;
import dev.rgal.api.training.StudentContext;
import dev.rgal.api.training.StudentStep;
import dev.rgal.api.training.StudentTerm;
import dev.rgal.api.training.StudentTrainer;
import dev.rgal.api.training.TrainingSummary;
import dev.rgal.engine.loss.Losses;
import dev.rgal.engine.loss.NonFiniteLossException;
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
 * terms registered. The learning rate follows the spec's schedule, stepped per epoch.
 *
 * <p>Settings: none of its own; it reads {@code optimizer}, {@code temperature},
 * {@code schedule.kdStepsPerEpoch} and {@code schedule.kdBatchSize} from the spec.
 */
public final class KdTrainer implements StudentTrainer {
  private final RunSpec spec;
  private final FeatureNet student;
  private final List<WeightedTerm<StudentTerm>> terms;
  private final Sgd sgd;
  private final boolean paired;

  public KdTrainer(ComponentRequest request, FeatureNet student, List<WeightedTerm<StudentTerm>> terms) {
    this.spec = request.spec();
    this.student = student;
    this.terms = List.copyOf(terms);
    List<NDArray> weights = new ArrayList<>(trainable(student.block()));
    for (WeightedTerm<StudentTerm> t : terms) {
      for (Block b : t.term().trainableBlocks()) {
        weights.addAll(trainable(b));
      }
    }
    RunSpec.StudentOptimizer opt = spec.optimizer();
    this.sgd = new Sgd(weights, opt.momentum(), opt.weightDecay(), request.manager());
    this.paired = terms.stream().anyMatch(t -> t.term().needsPairedViews());
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
    double lr = LearningRates.at(spec.optimizer(), ctx.epoch(), ctx.epochs());
    int steps = spec.schedule().kdStepsPerEpoch();
    int batch = spec.schedule().kdBatchSize();
    double temperature = spec.temperature();
    Map<String, Double> sums = new LinkedHashMap<>();
    for (int step = 0; step < steps; step++) {
      try (NDManager m = ctx.manager().newSubManager()) {
        // Synthesis back-propagates adversarial losses through the student into these very
        // gradients (up to gSteps iterations' worth per call); start every step from zero.
        sgd.zeroGradients();
        NDArray x = paired ? ctx.pool().samplePaired(m, batch / 2, ctx.random())
            : ctx.pool().sample(m, batch, ctx.random());
        Features teacher = ctx.teacher().forward(x, false);
        Map<String, NDArray> parts = new LinkedHashMap<>();
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          Features s = student.forward(x, true);
          NDArray total = Losses.kd(s.logits(), teacher.logits().stopGradient(), temperature);
          parts.put("kd", total);
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
