package dev.rgal.incremental;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import dev.rgal.api.model.FeatureNet;
import dev.rgal.toolkit.graph.GraphScalars;
import dev.rgal.toolkit.graph.NoGrad;
import dev.rgal.toolkit.loss.Losses;
import dev.rgal.toolkit.train.Adam;
import dev.rgal.toolkit.zoo.Generator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code abd}, Always Be Dreaming (spec §3), at the `fmnist-neil` size (§7):
 * <ul>
 *   <li>at the start of each task t &gt; 1, the generator is trained against the frozen M_{t−1} on
 *       its K_o old logits: content CE(o/1000, argmax o) + balance + 50·BN-KL (mean over layers) +
 *       1e-3·smoothness, {@code inversionSteps} Adam steps (lr 1e-3) at the batch size. The
 *       generator and its Adam persist across tasks (warm start);</li>
 *   <li>each training step takes B real images of C_t and B fresh synthetic images from the
 *       generator in eval mode, labelled ỹ = argmax of M_{t−1}'s old logits, in one forward;</li>
 *   <li>loss = local CE (1 − r)·CE(z[K_o:K_s], y − K_o) on the real half + class-balanced head
 *       fine-tuning w(Y)·CE(W·sg(φ) + b, Y) over the seen slice + μ·feature distillation
 *       (1/K_o)‖W_o[:K_o](φ − φ_{t−1})‖² through the frozen old head, μ = 0.1, r = K_o/K_s.</li>
 * </ul>
 * Task 1 is plain CE over the seen slice.
 *
 * <p>Deviations, for CPU and this toolkit: the generator is the benchmark's 32×32 generator (nz
 * 256, ngf 16, sigmoid, then normalise; spec §7.1's default) rather than ABD's CIFAR_GEN; the
 * head-fine-tuning features are the same forward's φ, detached, where ABD runs a second no-grad
 * forward in train mode (which updates BN running statistics twice per step); the losses use the
 * seen-class slice [0, K_s) (spec §7.1), not ABD's full-head CE. The generator is saved after each
 * inversion, so a resumed run warm-starts as an uninterrupted one would.
 *
 * <p>With a {@link SynthesizerInversion} ({@code --inversion fast}, …) a toolkit synthesizer
 * replaces the generator: its replay pool, made fresh at each boundary, gives the synthetic half.
 */
@API(status = EXPERIMENTAL, since = "0.2")
public final class AbdMethod implements IncrementalMethod {
  static final double MU = 0.1;

  @Override
  public String name() {
    return "abd";
  }

  @Override
  public String description() {
    return "Always Be Dreaming: generator inversion of the previous model, real + synthetic batches, local CE,"
        + " head fine-tuning, feature distillation through the frozen old head";
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
    return new Learner();
  }

  /** The generator lives across tasks, so the learner is per run. */
  static final class Learner implements IncrementalLearner {
    private @Nullable Generator generator;
    private @Nullable Adam generatorAdam;

    @Override
    public Map<String, Double> trainTask(LearnerContext ctx) {
      Map<String, Double> out = new LinkedHashMap<>();
      FeatureNet previous = ctx.previous();
      if (previous == null || ctx.oldClasses() == 0) {
        out.put("loss", SupervisedLoop.train(ctx, ctx.data().newTask(),
            (x, y, f, m) -> Losses.crossEntropy(Heads.seen(f.logits(), ctx.seenClasses()), y)));
        return out;
      }
      long t0 = System.nanoTime();
      Inversion.Replay engine = ReplayPool.ifConfigured(ctx, previous, out);
      if (engine == null) {
        if (generator == null) {
          generator = Inversion.generator(ctx.spec(), ctx.runManager());
          generatorAdam = Inversion.optimizer(generator, ctx.runManager());
          // a resumed run: warm-start from the generator the last task left, as if it had persisted
          ctx.checkpoints().restoreGenerator(ctx.task() - 1, generator, generatorAdam);
        }
        Inversion.trainOrRestore(ctx, previous, generator, generatorAdam, out);
        engine = Inversion.of(generator, ctx.spec());
      }
      Inversion.Replay replay = engine;
      Inversion.showReplay(ctx, replay, previous);
      out.put("inversion_minutes", (System.nanoTime() - t0) / 6e10);
      long t1 = System.nanoTime();
      HeadView current = HeadView.of(ctx.model(), "abd");
      HeadView old = HeadView.of(previous, "abd");
      int ko = ctx.oldClasses();
      int ks = ctx.seenClasses();
      double r = (double) ko / ks;
      long[] synthetic = {0};
      out.put("loss", SupervisedLoop.trainSteps(ctx, ctx.data().newTask(), (x, y, m) -> {
        long b = x.getShape().get(0);
        NDArray xs = replay.sample(b, m);
        synthetic[0] += b;
        NDArray both = NDArrays.concat(new NDList(x, xs), 0);
        HeadView.Forward before = NoGrad.call(() -> old.forward(both, false, false));
        NDArray ys = Heads.slice(before.logits(), 0, ko).get("{}:", b).argMax(1).toType(DataType.INT64, false);
        NDArray labels = NDArrays.concat(new NDList(y.toType(DataType.INT64, false), ys), 0);
        HeadView.Forward now = current.forward(both, true, false);
        // local CE on the real half, new-task logits only
        NDArray local = GraphScalars.mul(Losses.crossEntropy(Heads.slice(now.logits().get("0:{}", b), ko, ks),
            y.toType(DataType.INT64, false).sub(ko)), 1 - r);
        // class-balanced fine-tuning of the head on detached features, over the seen slice
        NDArray weights = labels.lt(ko).toType(DataType.FLOAT32, false).mul((float) (2 * r - 1)).add((float) (1 - r));
        NDArray ftLogits = Heads.seen(current.apply(now.features().stopGradient()), ks);
        NDArray perSample = labels.toType(DataType.INT32, false).oneHot(ks).mul(ftLogits.logSoftmax(1)).sum(new int[] {1}).neg();
        NDArray ft = perSample.mul(weights).mean();
        // feature distillation through the frozen old head's old rows
        NDArray headRows = old.weight().get("0:{}", ko).stopGradient();
        NDArray delta = now.features().sub(before.features().stopGradient()).matMul(headRows.transpose());
        NDArray kd = GraphScalars.mul(delta.square().mean(), MU);
        NDArray total = local.add(ft).add(kd);
        NDArray relation = ctx.relation().replayLoss(xs, RelationTerms.oldClasses(RelationTerms.rows(before.all(), b), ko),
            RelationTerms.oldClasses(RelationTerms.rows(now.all(), b), ko));
        return relation == null ? total : total.add(relation);
      }));
      out.put("training_minutes", (System.nanoTime() - t1) / 6e10);
      out.put("synthetic_images", (double) synthetic[0]);
      return out;
    }
  }
}
