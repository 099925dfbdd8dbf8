package dev.rgal.incremental;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

import dev.rgal.toolkit.loss.Losses;
import java.util.Map;

/**
 * {@code ft}, the lower bound (spec §5.1): cross-entropy over the K_s seen logits on the real images
 * of C_t alone, no regularisation. Earlier classes are forgotten as fast as the optimiser allows.
 */
@API(status = EXPERIMENTAL, since = "0.2")
public final class FineTuningMethod implements IncrementalMethod {
  @Override
  public String name() {
    return "ft";
  }

  @Override
  public String description() {
    return "fine-tuning lower bound: CE over the seen logits on the new task's real images only";
  }

  @Override
  public IncrementalLearner learner() {
    return ctx -> Map.of("loss", SupervisedLoop.train(ctx, ctx.data().newTask(),
        (x, y, out, m) -> Losses.crossEntropy(Heads.seen(out.logits(), ctx.seenClasses()), y)));
  }
}
