package dev.rgal.incremental;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.rgal.api.model.FeatureNet;
import dev.rgal.toolkit.graph.GraphScalars;
import dev.rgal.toolkit.graph.NoGrad;
import dev.rgal.toolkit.loss.Losses;
import dev.rgal.toolkit.train.Adam;
import dev.rgal.toolkit.train.KdTrainer;
import dev.rgal.toolkit.zoo.Generator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code rdfcil}, R-DFCIL (spec §4) at the `fmnist-neil` size (§7.3):
 * <ul>
 *   <li>per-task bias-free heads initialised N(0, 0.001²): realised as row blocks [K_o, K_s) of
 *       the pre-allocated head, re-initialised when their task starts, with the head's bias held
 *       at 0 and never trained (a bias-free Linear(d → n_t) per task, concatenated, is exactly
 *       that);</li>
 *   <li>a new generator and Adam per task, inverted against M_{t−1}'s old logits (as ABD's);</li>
 *   <li>phase A, the schedule's epochs: two separate forwards (real, synthetic), loss
 *       c_ce·CE(z[K_o:K_s], y − K_o) + c_hkd·mean|z̃[:K_o] − z̃_old[:K_o]| + c_rkd·RKD-angle(P_s f,
 *       P_t f_old) on the real batch, α = log2(n_t/2 + 1), β = √(K_o/n_t), c_ce = 0.5(1 + 1/α)/β,
 *       c_hkd = 0.15αβ, c_rkd = 0.5αβ; P_s, P_t trainable Linear(d → 2d) re-created per task;</li>
 *   <li>phase B, {@value #PHASE_B_EPOCHS} epochs, backbone frozen (eval mode), the head alone at lr ×
 *       0.05: 0.5·class-weighted CE over [z; z̃] (all K_s) with targets [y; ỹ] + the same hkd; the
 *       class weights ω_c = Σn/max(n_c, 1), normalised to min 1, from label counts over the task.</li>
 * </ul>
 * Task 1 is plain CE over its own (bias-free) head, without phase B.
 */
@API(status = EXPERIMENTAL, since = "0.2")
public final class RdfcilMethod implements IncrementalMethod {
  static final double LAMBDA_CE = 0.5;
  static final double LAMBDA_HKD = 0.15;
  static final double LAMBDA_RKD = 0.5;
  static final int PHASE_B_EPOCHS = 2;
  static final double PHASE_B_LR_FACTOR = 0.05;

  @Override
  public String name() {
    return "rdfcil";
  }

  @Override
  public String description() {
    return "R-DFCIL: inversion per task, local CE + L1 logit KD on synthetic data + relational (angle) KD on real"
        + " features, then class-balanced head refinement";
  }

  @Override
  public boolean needsBatchNorm() {
    return true;
  }

  @Override
  public boolean acceptsRelationTerms() {
    return true;
  }

  @Override
  public IncrementalLearner learner() {
    return RdfcilMethod::trainTask;
  }

  private static Map<String, Double> trainTask(LearnerContext ctx) {
    Map<String, Double> out = new LinkedHashMap<>();
    HeadView current = HeadView.of(ctx.model(), "rdfcil");
    int ko = ctx.oldClasses();
    int ks = ctx.seenClasses();
    NoGrad.run(() -> {
      // the new task's bias-free head: rows [K_o, K_s) ~ N(0, 0.001²); the bias stays 0
      NDArray rows = ctx.manager().randomNormal(0f, 0.001f, new Shape(ks - ko, current.weight().getShape().get(1)), DataType.FLOAT32);
      current.weight().set(new NDIndex("{}:{}", ko, ks), rows);
      current.bias().muli(0);
    });
    List<NDArray> weights = new ArrayList<>(KdTrainer.trainable(ctx.model().block()));
    weights.removeIf(w -> w == current.bias());
    FeatureNet previous = ctx.previous();
    if (previous == null || ko == 0) {
      out.put("loss", SupervisedLoop.trainSteps(ctx, ctx.data().newTask(), weights, ctx.schedule().lr(),
          ctx.schedule().epochs(), "task " + ctx.task(), (x, y, m) ->
              Losses.crossEntropy(Heads.seen(current.forward(x, true, false).logits(), ks), y)));
      return out;
    }
    long t0 = System.nanoTime();
    Inversion.Replay engine = ReplayPool.ifConfigured(ctx, previous, out);
    if (engine == null) {
      Generator generator = Inversion.generator(ctx.spec(), ctx.manager());
      try (Adam adam = Inversion.optimizer(generator, ctx.manager())) {
        Inversion.trainOrRestore(ctx, previous, generator, adam, out);
      }
      engine = Inversion.of(generator, ctx.spec());
    }
    Inversion.Replay replay = engine;
    Inversion.showReplay(ctx, replay, previous);
    out.put("inversion_minutes", (System.nanoTime() - t0) / 6e10);
    long t1 = System.nanoTime();
    HeadView old = HeadView.of(previous, "rdfcil");
    int nt = ks - ko;
    double alpha = Math.log(nt / 2.0 + 1) / Math.log(2);
    double beta = Math.sqrt((double) ko / nt);
    double cCe = LAMBDA_CE * (1 + 1 / alpha) / beta;
    double cHkd = LAMBDA_HKD * alpha * beta;
    double cRkd = LAMBDA_RKD * alpha * beta;
    long d = current.weight().getShape().get(1);
    // the RKD projections P_s, P_t: Linear(d → 2d) with bias, PyTorch's default uniform init
    NDManager pm = ctx.manager();
    List<NDArray> projections = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      float bound = (float) (1 / Math.sqrt(d));
      projections.add(pm.randomUniform(-bound, bound, new Shape(2 * d, d)));
      projections.add(pm.randomUniform(-bound, bound, new Shape(2 * d)));
    }
    projections.forEach(p -> p.setRequiresGradient(true));
    List<NDArray> phaseA = new ArrayList<>(weights);
    phaseA.addAll(projections);
    long[] counts = new long[ks];
    long[] synthetic = {0};
    out.put("loss", SupervisedLoop.trainSteps(ctx, ctx.data().newTask(), phaseA, ctx.schedule().lr(), ctx.schedule().epochs(),
        "task " + ctx.task() + " phase A", (x, y, m) -> {
          long b = x.getShape().get(0);
          NDArray xs = replay.sample(b, m);
          synthetic[0] += b;
          HeadView.Forward oldReal = NoGrad.call(() -> old.forward(x, false, false));
          HeadView.Forward oldSyn = NoGrad.call(() -> old.forward(xs, false, false));
          NDArray oldSynthetic = oldSyn.logits();
          NDArray ys = Heads.slice(oldSynthetic, 0, ko).argMax(1);
          count(counts, y, ys);
          HeadView.Forward real = current.forward(x, true, false);
          HeadView.Forward syn = current.forward(xs, true, false);
          NDArray zs = syn.logits();
          NDArray local = Losses.crossEntropy(Heads.slice(real.logits(), ko, ks), y.toType(DataType.INT64, false).sub(ko));
          NDArray hkd = logitKd(zs, oldSynthetic, ko);
          NDArray rkd = rkdAngle(linear(real.features(), projections.get(0), projections.get(1)),
              linear(oldReal.features().stopGradient(), projections.get(2), projections.get(3)));
          NDArray total = GraphScalars.mul(local, cCe).add(GraphScalars.mul(hkd, cHkd)).add(GraphScalars.mul(rkd, cRkd));
          NDArray relation = ctx.relation().replayLoss(xs, RelationTerms.oldClasses(oldSyn.all(), ko),
              RelationTerms.oldClasses(syn.all(), ko));
          return relation == null ? total : total.add(relation);
        }));
    // phase B: the head alone, on frozen (eval-mode) features, class-weighted global CE + hkd
    List<NDArray> head = List.of(current.weight());
    out.put("phase_b_loss", SupervisedLoop.trainSteps(ctx, ctx.data().newTask(), head,
        ctx.schedule().lr() * PHASE_B_LR_FACTOR, PHASE_B_EPOCHS, "task " + ctx.task() + " phase B", (x, y, m) -> {
          long b = x.getShape().get(0);
          NDArray xs = replay.sample(b, m);
          synthetic[0] += b;
          NDArray oldSynthetic = NoGrad.call(() -> old.forward(xs, false, false).logits());
          NDArray ys = Heads.slice(oldSynthetic, 0, ko).argMax(1);
          count(counts, y, ys);
          NDArray fr = NoGrad.call(() -> current.forward(x, false, false).features());
          NDArray fs = NoGrad.call(() -> current.forward(xs, false, false).features());
          NDArray zr = Heads.seen(current.apply(fr), ks);
          NDArray zs = Heads.seen(current.apply(fs), ks);
          NDArray z = zr.concat(zs, 0);
          NDArray targets = y.toType(DataType.INT64, false).concat(ys.toType(DataType.INT64, false), 0);
          NDArray omega = m.create(classWeights(counts));
          NDArray w = omega.get(targets);
          NDArray perSample = targets.toType(DataType.INT32, false).oneHot(ks).mul(z.logSoftmax(1)).sum(new int[] {1}).neg();
          NDArray ce = perSample.mul(w).sum().div(w.sum());
          NDArray hkd = logitKd(zs, oldSynthetic, ko);
          return GraphScalars.mul(ce, LAMBDA_CE).add(GraphScalars.mul(hkd, cHkd));
        }));
    out.put("training_minutes", (System.nanoTime() - t1) / 6e10);
    out.put("synthetic_images", (double) synthetic[0]);
    out.put("c_ce", cCe);
    out.put("c_hkd", cHkd);
    out.put("c_rkd", cRkd);
    return out;
  }

  /** R-DFCIL's "hkd": mean over samples and old classes of |z̃_c − z̃^old_c| (L1), the old model frozen. */
  private static NDArray logitKd(NDArray synthetic, NDArray oldSynthetic, int oldClasses) {
    return Heads.slice(synthetic, 0, oldClasses).sub(Heads.slice(oldSynthetic, 0, oldClasses).stopGradient()).abs().mean();
  }

  private static NDArray linear(NDArray x, NDArray w, NDArray b) {
    return x.matMul(w.transpose()).add(b);
  }

  /**
   * RKD angle loss: for every anchor a and pair (b, c), cos∠(u_b − u_a, u_c − u_a) with zero
   * differences normalised to zero; the L1 mean over the N³ entries between student and teacher.
   */
  static NDArray rkdAngle(NDArray student, NDArray teacher) {
    return angles(student).sub(angles(teacher)).abs().mean();
  }

  private static NDArray angles(NDArray u) {
    long n = u.getShape().get(0);
    NDArray diff = u.expandDims(0).sub(u.expandDims(1)); // [a, b, :] = u_b − u_a
    // clamp before the square root: its gradient at 0 (the b = a entries) is infinite
    NDArray norm = GraphScalars.max(diff.square().sum(new int[] {2}, true), 1e-24).sqrt();
    NDArray unit = diff.div(norm);
    return unit.matMul(unit.transpose(0, 2, 1)).reshape(n * n * n);
  }

  private static void count(long[] counts, NDArray y, NDArray ys) {
    for (long v : y.toType(DataType.INT64, false).toLongArray()) {
      counts[(int) v]++;
    }
    for (long v : ys.toType(DataType.INT64, false).toLongArray()) {
      counts[(int) v]++;
    }
  }

  /** ω_c = (Σ_k n_k)/max(n_c, 1), divided by min_c ω_c. */
  static float[] classWeights(long[] counts) {
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    float[] w = new float[counts.length];
    float min = Float.MAX_VALUE;
    for (int i = 0; i < counts.length; i++) {
      w[i] = (float) total / Math.max(counts[i], 1);
      min = Math.min(min, w[i]);
    }
    for (int i = 0; i < w.length; i++) {
      w[i] /= min;
    }
    return w;
  }
}
