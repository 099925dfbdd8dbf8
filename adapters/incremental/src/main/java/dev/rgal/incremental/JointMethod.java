package dev.rgal.incremental;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

import dev.rgal.toolkit.loss.Losses;
import java.util.Map;

/**
 * {@code joint}, the upper bound (spec §2 "UB", §7.4): after each task, a model trained from
 * scratch on the real images of tasks 1..t. It reads real old data, which every other method is
 * forbidden; its runs say so in their tags.
 */
@API(status = EXPERIMENTAL, since = "0.2")
public final class JointMethod implements IncrementalMethod {
  @Override
  public String name() {
    return "joint";
  }

  @Override
  public String description() {
    return "upper bound: retrained from scratch on the real images of every task so far (uses real old data)";
  }

  @Override
  public boolean usesRealOldData() {
    return true;
  }

  @Override
  public boolean retrainsFromScratch() {
    return true;
  }

  @Override
  public IncrementalLearner learner() {
    return ctx -> Map.of("loss", SupervisedLoop.train(ctx, ctx.data().seenTasks(),
        (x, y, out, m) -> Losses.crossEntropy(Heads.seen(out.logits(), ctx.seenClasses()), y)));
  }
}
