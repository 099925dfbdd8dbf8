package dev.rgal.tribuo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.rgal.api.DataSpec;
import dev.rgal.api.DfkdException;
import dev.rgal.api.model.FeatureNet;
import dev.rgal.toolkit.data.ImageDataset;
import dev.rgal.toolkit.data.Normalization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.evaluation.LabelConfusionMatrix;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * Tribuo {@link LabelEvaluator} figures of a network on real labelled images. The network runs
 * batch by batch through DJL; each prediction wraps a feature-less example that carries only the
 * true label, and {@code LabelEvaluator.evaluate(model, predictions, provenance)} computes the
 * figures, so no pixel-feature examples are materialised (10 000 CIFAR images as Tribuo features
 * would take about 0.5 GB).
 */
public final class TribuoEvaluation {
  private static final int BATCH = 500;

  private TribuoEvaluation() {}

  /**
   * The evaluation and what it is reported as.
   *
   * @param evaluation Tribuo's evaluation (per-class and averaged figures, confusion matrix)
   * @param labels class names in class-index order
   * @param images how many images were evaluated
   */
  public record Result(LabelEvaluation evaluation, List<String> labels, int images) {
    public Result {
      labels = List.copyOf(labels);
    }

    public double accuracy() {
      return evaluation.accuracy();
    }

    public double macroF1() {
      return evaluation.macroAveragedF1();
    }

    /**
     * Tracking metrics: {@code tribuo.accuracy}, {@code tribuo.macro_f1},
     * {@code tribuo.balanced_error_rate}, and per class {@code tribuo.precision.<label>},
     * {@code tribuo.recall.<label>}, {@code tribuo.f1.<label>}. NaN values (a class never
     * predicted and never present) are left out.
     */
    public Map<String, Double> toMetrics() {
      Map<String, Double> m = new LinkedHashMap<>();
      m.put("tribuo.accuracy", evaluation.accuracy());
      m.put("tribuo.macro_f1", evaluation.macroAveragedF1());
      m.put("tribuo.balanced_error_rate", evaluation.balancedErrorRate());
      for (String l : labels) {
        Label label = new Label(l);
        m.put("tribuo.precision." + l, evaluation.precision(label));
        m.put("tribuo.recall." + l, evaluation.recall(label));
        m.put("tribuo.f1." + l, evaluation.f1(label));
      }
      m.values().removeIf(v -> v.isNaN());
      return m;
    }

    /** A plain-text report: summary, per-class table, confusion matrix (rows = truth, columns = prediction). */
    public String toText() {
      StringBuilder b = new StringBuilder();
      b.append(String.format(Locale.ROOT, "Tribuo LabelEvaluator on %d images%naccuracy %.4f  macro-F1 %.4f  balanced error rate %.4f%n%n",
          images, accuracy(), macroF1(), evaluation.balancedErrorRate()));
      b.append(String.format(Locale.ROOT, "%-8s %9s %9s %9s %8s%n", "class", "precision", "recall", "f1", "support"));
      LabelConfusionMatrix cm = confusionMatrix();
      for (String l : labels) {
        Label label = new Label(l);
        b.append(String.format(Locale.ROOT, "%-8s %9.4f %9.4f %9.4f %8d%n", l, evaluation.precision(label),
            evaluation.recall(label), evaluation.f1(label), (long) cm.support(label)));
      }
      b.append(String.format(Locale.ROOT, "%nconfusion matrix (rows: true class, columns: predicted class)%n%-8s", ""));
      for (String l : labels) {
        b.append(String.format(Locale.ROOT, " %6s", l));
      }
      b.append('\n');
      for (String t : labels) {
        b.append(String.format(Locale.ROOT, "%-8s", t));
        for (String p : labels) {
          b.append(String.format(Locale.ROOT, " %6d", (long) cm.confusion(new Label(p), new Label(t))));
        }
        b.append('\n');
      }
      return b.toString();
    }

    /** Tribuo's confusion matrix, labels in class-index order. */
    public LabelConfusionMatrix confusionMatrix() {
      LabelConfusionMatrix cm = (LabelConfusionMatrix) evaluation.getConfusionMatrix();
      cm.setLabelOrder(labels.stream().map(Label::new).toList());
      return cm;
    }
  }

  /** Evaluates a Tribuo model's network on {@code test} (images at the network's input size). */
  public static Result evaluate(DfkdTribuoModel model, ImageDataset test) {
    DataSpec spec = model.dataSpec(test.name());
    return evaluate(model, model.network(), spec, test);
  }

  /**
   * Evaluates any rgal network; a {@link DfkdTribuoModel} is made from it for the output domain
   * and provenance.
   */
  public static Result evaluate(FeatureNet net, DataSpec spec, ImageDataset test) {
    DfkdTribuoModel model = DfkdTribuoModel.fromNet(net, spec, Map.of());
    return evaluate(model, net, spec, test);
  }

  private static Result evaluate(DfkdTribuoModel model, FeatureNet net, DataSpec spec, ImageDataset test) {
    if (test.channels() != spec.channels() || test.height() != spec.height() || test.width() != spec.width()) {
      throw new DfkdException("test images are " + test.channels() + "x" + test.height() + "x" + test.width()
          + " but the network takes " + spec.channels() + "x" + spec.height() + "x" + spec.width()
          + ": pass the test split of the dataset the network was trained on");
    }
    if (test.size() == 0) {
      throw new DfkdException("no test images: pass a non-empty test split");
    }
    List<String> labels = model.labelNames();
    Normalization norm = Normalization.of(spec);
    List<Prediction<Label>> predictions = new ArrayList<>(test.size());
    int k = labels.size();
    try (NDManager root = NDManager.newBaseManager()) {
      for (int start = 0; start < test.size(); start += BATCH) {
        int end = Math.min(test.size(), start + BATCH);
        int[] idx = new int[end - start];
        for (int i = 0; i < idx.length; i++) {
          idx[i] = start + i;
        }
        try (NDManager m = root.newSubManager()) {
          NDList batch = test.batch(m, idx);
          NDArray p = net.forward(norm.apply(batch.get(0)), false).logits().softmax(1);
          float[] flat = p.toFloatArray();
          for (int i = 0; i < idx.length; i++) {
            int truth = test.label(idx[i]);
            if (truth < 0 || truth >= k) {
              throw new DfkdException("test image " + idx[i] + " has class " + truth + " but the network has " + k
                  + " classes: pass the test split of the dataset the network was trained on");
            }
            float[] probs = new float[k];
            System.arraycopy(flat, i * k, probs, 0, k);
            predictions.add(model.prediction(probs, 0, new ArrayExample<>(new Label(labels.get(truth)))));
          }
        }
      }
    }
    LabelFactory f = new LabelFactory();
    LabelEvaluation e = new LabelEvaluator().evaluate(model, predictions,
        new SimpleDataSourceProvenance(test.name() + " test split, " + test.size() + " images", f));
    return new Result(e, labels, test.size());
  }
}
