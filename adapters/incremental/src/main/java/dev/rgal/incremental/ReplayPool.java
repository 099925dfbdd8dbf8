package dev.rgal.incremental;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.rgal.api.DataSpec;
import dev.rgal.api.WeightedTerm;
import dev.rgal.api.model.FeatureNet;
import dev.rgal.api.synthesis.SynthesisContext;
import dev.rgal.api.synthesis.SynthesisTerm;
import dev.rgal.api.synthesis.SyntheticBatch;
import dev.rgal.toolkit.data.Normalization;
import dev.rgal.toolkit.loss.NonFiniteLossException;
import dev.rgal.toolkit.progress.Progress;
import dev.rgal.toolkit.train.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.jspecify.annotations.Nullable;

/**
 * One task's replay from a {@link SynthesizerInversion}: normalised synthetic images of the K_o old
 * classes, made once at the task boundary; each training step draws its synthetic half from them
 * uniformly with the engine's seeded generator (so a resumed epoch draws what the uninterrupted
 * one drew). Saved in the task's checkpoint folder, so a resume does not synthesise again.
 */
final class ReplayPool implements Inversion.Replay {
  private final NDArray images;

  ReplayPool(NDArray images) {
    this.images = images;
  }

  /**
   * The replay of the run's toolkit synthesizer ({@link LearnerContext#inversion()}), recording the
   * pool size in {@code out}; null when the method inverts with its own generator.
   */
  static Inversion.@Nullable Replay ifConfigured(LearnerContext ctx, FeatureNet previous, java.util.Map<String, Double> out) {
    SynthesizerInversion engine = ctx.inversion();
    if (engine == null) {
      return null;
    }
    ReplayPool pool = of(ctx, previous, engine);
    out.put("replay_pool_images", (double) pool.size());
    return pool;
  }

  /** The pool of task {@code ctx.task()}: restored from its checkpoint, or synthesised (about one image per real one). */
  static ReplayPool of(LearnerContext ctx, FeatureNet previous, SynthesizerInversion inversion) {
    NDArray saved = ctx.checkpoints().restoreReplayPool(ctx.manager());
    if (saved != null) {
      return new ReplayPool(saved);
    }
    NDArray made = synthesise(ctx, previous, inversion, ctx.data().newTask().size());
    ctx.checkpoints().saveReplayPool(made);
    return new ReplayPool(made);
  }

  static NDArray synthesise(LearnerContext ctx, FeatureNet previous, SynthesizerInversion inversion, long wanted) {
    int ko = ctx.oldClasses();
    DataSpec spec = ctx.spec();
    DataSpec old = new DataSpec(spec.dataset(), spec.channels(), spec.height(), spec.width(), ko, spec.mean(), spec.std());
    FeatureNet teacher = new OldClassNet(previous, ko);
    FeatureNet student = new OldClassNet(ctx.model(), ko);
    Normalization norm = Normalization.of(spec);
    int batch = inversion.batchSize();
    int calls = (int) Math.max(1, (wanted + batch - 1) / batch);
    int total = inversion.warmupCalls() + calls;
    List<NDArray> chunks = new ArrayList<>();
    try (SynthesizerInversion.Parts parts = inversion.factory().create(old, teacher.info(), student.info(), ctx.manager());
        Progress.Task bar = ctx.progress().start("task " + ctx.task() + " inversion (" + inversion.name() + ")", total)) {
      List<WeightedTerm<SynthesisTerm>> terms = new ArrayList<>(parts.terms());
      terms.addAll(ctx.relation().synthesis()); // RGAL's synthesis side (§7.5), for method+rgal
      for (int call = 1; call <= total; call++) {
        boolean warmup = call <= inversion.warmupCalls();
        List<WeightedTerm<SynthesisTerm>> active = terms.stream().filter(t -> !warmup || t.term().activeDuringWarmup()).toList();
        try (NDManager m = ctx.manager().newSubManager()) {
          SyntheticBatch b = parts.synthesizer().synthesize(new SynthesisContext(teacher, student, active, old, batch,
              call, warmup, m, new Random(Seeds.derive(ctx.seed(), "replay", call))));
          NonFiniteLossException.check("task " + ctx.task() + " " + inversion.name() + " call " + call, b.losses());
          NDArray x = norm.apply(b.images());
          x.attach(ctx.manager());
          chunks.add(x);
          Double loss = b.losses().get("total");
          bar.step(1, loss == null ? "" : String.format(Locale.ROOT, "loss %.4f", loss));
        }
      }
    }
    NDArray all = NDArrays.concat(new NDList(chunks), 0);
    chunks.forEach(NDArray::close);
    return all;
  }

  long size() {
    return images.getShape().get(0);
  }

  @Override
  public NDArray sample(long n, NDManager m) {
    NDArray index = m.randomInteger(0, size(), new Shape(n), DataType.INT64);
    NDArray out = images.get(index);
    out.attach(m); // the draw belongs to the step, not to the pool's (task-long) scope
    return out;
  }
}
