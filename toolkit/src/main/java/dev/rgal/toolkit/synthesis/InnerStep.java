package dev.rgal.toolkit.synthesis;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import dev.rgal.toolkit.graph.GraphScalars;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import dev.rgal.api.WeightedTerm;
import dev.rgal.api.model.Features;
import dev.rgal.api.synthesis.SynthesisContext;
import dev.rgal.api.synthesis.SynthesisStep;
import dev.rgal.api.synthesis.SynthesisTerm;
import dev.rgal.toolkit.data.Normalization;
import dev.rgal.toolkit.loss.NonFiniteLossException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import ai.djl.ndarray.NDManager;
import org.jspecify.annotations.Nullable;

/**
 * One inner iteration of a synthesizer, shared by all methods: inside one gradient collector,
 * produce the raw images, augment and normalise them, run the teacher (eval, BN statistics) and
 * the student (eval) when a term needs it, sum the weighted terms, back-propagate, and give
 * every term its {@link SynthesisTerm#afterBackward} call.
 *
 * <p>The arrays it creates belong to the manager the {@code producer}'s arrays are in; the caller
 * scopes them (a sub-manager per iteration) and keeps what it needs.
 */
@API(status = STABLE, since = "0.1")
public final class InnerStep {
  private InnerStep() {}

  /**
   * What one iteration produced.
   *
   * @param raw the un-augmented images of this iteration (still attached to the graph)
   * @param step the step the terms saw
   * @param losses weighted value per term plus {@code total}
   */
  public record Outcome(NDArray raw, SynthesisStep step, Map<String, Double> losses) {
    public double total() {
      return losses.get("total");
    }
  }

  /**
   * @param scope a manager scoping this iteration's arrays: the producer should temporarily
   *     attach what it optimises to it ({@code scope.tempAttachAll(z)}) so every intermediate is
   *     created there and freed when the caller closes the manager ({@code duplicate()} would cut
   *     the optimised array out of the autograd graph)
   * @param producer creates the raw images in [0,1] from what is optimised (called inside the
   *     collector so its graph is recorded)
   * @param targets class targets of the batch
   * @param extraLoss an additional method-specific loss on the step, or null
   */
  public static Outcome run(SynthesisContext ctx, NDManager scope, Function<NDManager, NDArray> producer,
      NDArray targets, ViewAugmenter augmenter, Normalization norm, int iteration, @Nullable ExtraLoss extraLoss) {
    Map<String, Double> losses = new LinkedHashMap<>();
    NDArray raw;
    SynthesisStep step;
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      raw = producer.apply(scope);
      NDArray views = norm.apply(augmenter.apply(raw, ctx.random()));
      Features teacher = ctx.teacher().forwardWithBnStatistics(views, false);
      Features student = ctx.needsStudent() ? ctx.student().forward(views, false) : null;
      step = new SynthesisStep(ctx, raw, views, targets, teacher, student, ctx.call(), iteration, ctx.warmup());
      NDArray total = null;
      for (WeightedTerm<SynthesisTerm> t : ctx.terms()) {
        NDArray v = GraphScalars.mul(t.term().loss(step), (float) t.weight());
        losses.put(t.name(), (double) v.getFloat());
        total = total == null ? v : total.add(v);
      }
      if (extraLoss != null) {
        NDArray v = extraLoss.loss(step);
        losses.put(extraLoss.name(), (double) v.getFloat());
        total = total == null ? v : total.add(v);
      }
      if (total == null) {
        throw new IllegalStateException("no synthesis term is active: give the synthesizer at least one term");
      }
      losses.put("total", (double) total.getFloat());
      // stop before the update so a NaN never reaches what is optimised
      NonFiniteLossException.check("synthesis call " + ctx.call() + " iteration " + iteration, losses);
      gc.backward(total);
    }
    for (WeightedTerm<SynthesisTerm> t : ctx.terms()) {
      t.term().afterBackward(step);
    }
    return new Outcome(raw, step, losses);
  }

  /** A method's own loss that is not a registered term (e.g. a contrastive head's loss). */
  public interface ExtraLoss {
    String name();

    NDArray loss(SynthesisStep step);
  }
}
