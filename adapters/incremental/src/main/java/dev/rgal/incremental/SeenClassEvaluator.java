package dev.rgal.incremental;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.rgal.api.DataSpec;
import dev.rgal.api.model.FeatureNet;
import dev.rgal.toolkit.data.ImageDataset;
import dev.rgal.toolkit.teacher.Evaluation;

/**
 * Task-agnostic evaluation over the seen classes (spec §1.6): after task t the prediction is the
 * argmax over the first K_s(t) logits of a pre-allocated head (labels are positions in the class
 * order, so those are exactly the seen classes), and a_{t,j} is counted on each seen task's test
 * images separately.
 */
public final class SeenClassEvaluator {
  private SeenClassEvaluator() {}

  /** The predicted run labels: argmax over logits [0, seen). */
  public static NDArray predict(NDArray logits, int seen) {
    if (seen < 1 || seen > logits.getShape().get(1)) {
      throw new IllegalArgumentException("cannot slice " + seen + " seen classes from " + logits.getShape().get(1) + " logits");
    }
    return logits.get(new NDIndex(":, :{}", seen)).argMax(1);
  }

  /** Records a_{t,j} for every j ≤ t into {@code matrix}, evaluating {@code net} in eval mode. */
  public static void afterTask(FeatureNet net, IncrementalScenario scenario, ImageDataset test, int t, AccuracyMatrix matrix,
      DataSpec spec, NDManager manager) {
    int seen = scenario.seenClasses(t);
    for (int j = 1; j <= t; j++) {
      ImageDataset task = scenario.testOfTask(test, j);
      long correct = Evaluation.count(task, spec, manager, (x, labels) -> {
        NDArray pred = predict(net.forward(x, false).logits(), seen);
        return pred.eq(labels.toType(pred.getDataType(), false)).sum().getLong();
      });
      matrix.record(t, j, correct, task.size());
    }
  }

  /**
   * The task-aware ("pt-local", spec §1.6) accuracy on task j: argmax over task j's own logits
   * [K_o(j), K_s(j)) only. For analysis; the reported metrics are task-agnostic.
   */
  public static double taskAwareAccuracy(FeatureNet net, IncrementalScenario scenario, ImageDataset test, int j,
      DataSpec spec, NDManager manager) {
    int from = scenario.oldClasses(j);
    int to = scenario.seenClasses(j);
    ImageDataset task = scenario.testOfTask(test, j);
    long correct = Evaluation.count(task, spec, manager, (x, labels) -> {
      NDArray pred = Heads.slice(net.forward(x, false).logits(), from, to).argMax(1).add(from);
      return pred.eq(labels.toType(pred.getDataType(), false)).sum().getLong();
    });
    return (double) correct / task.size();
  }
}
