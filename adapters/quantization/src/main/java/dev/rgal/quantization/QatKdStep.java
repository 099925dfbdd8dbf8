package dev.rgal.quantization;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.rgal.api.DfkdException;
import dev.rgal.api.Stateful;
import dev.rgal.api.model.FeatureNet;
import dev.rgal.toolkit.graph.GraphScalars;
import dev.rgal.toolkit.loss.Losses;
import dev.rgal.toolkit.loss.NonFiniteLossException;
import dev.rgal.toolkit.train.Adam;
import dev.rgal.toolkit.train.KdTrainer;
import dev.rgal.toolkit.train.Sgd;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One QAT-KD update of a quantized net against its full-precision teacher (GDFQ's student step,
 * spec §2.2): loss T²·KL(teacher ‖ quantized) (the toolkit's batch-mean KD, which is K times
 * GDFQ's element-mean KLDivLoss, §6.11) plus, when labels are given, w·CE; then one step of the
 * step's own optimiser over every trainable parameter of the copy (weights through the STE, biases,
 * BN γ and β). The activation ranges must be frozen first (calibrate before QAT, §5). The
 * optimiser state (momentum or Adam moments) is {@link Stateful}, so a resumed run continues
 * exactly; the net's weights are saved separately.
 */
public final class QatKdStep implements Stateful, AutoCloseable {
  /** Optimiser of the quantized net. */
  public enum Optimizer { SGD, ADAM }

  /**
   * @param temperature KD temperature (GDFQ: 20)
   * @param crossEntropyWeight weight of CE on the batch labels (GDFQ: 1 with generator labels; 0 = off)
   * @param optimizer momentum SGD (Nesterov is unavailable in DJL's PyTorch engine, §6.10) or Adam
   * @param learningRate GDFQ CIFAR: 1e-4 (never the 0.1 of DFKD from scratch, §6.9)
   * @param momentum SGD momentum (Adam: β1)
   * @param weightDecay L2 weight decay
   */
  public record Options(double temperature, double crossEntropyWeight, Optimizer optimizer, double learningRate,
      double momentum, double weightDecay) {
    /** GDFQ's CIFAR values with momentum SGD and no CE: T 20, lr 1e-4, momentum 0.9, weight decay 1e-4. */
    public static Options gdfq() {
      return new Options(20, 0, Optimizer.SGD, 1e-4, 0.9, 1e-4);
    }

    public Options withOptimizer(Optimizer o, double lr) {
      return new Options(temperature, crossEntropyWeight, o, lr, momentum, weightDecay);
    }

    public Options withCrossEntropy(double weight) {
      return new Options(temperature, weight, optimizer, learningRate, momentum, weightDecay);
    }
  }

  private final FeatureNet teacher;
  private final QuantizedNet student;
  private final Options options;
  private final @Nullable Sgd sgd;
  private final @Nullable Adam adam;
  private long steps;

  /**
   * @param manager parent of the optimiser's state
   * @throws DfkdException if the student's ranges are not frozen or it is a reloaded model
   */
  public QatKdStep(FeatureNet teacher, QuantizedNet student, Options options, NDManager manager) {
    if (!student.rangesFrozen()) {
      throw new DfkdException("the quantized net's activation ranges are not frozen: calibrate it (Calibration.calibrate) before QAT");
    }
    if (student.deployed()) {
      throw new DfkdException("a reloaded quantized model has fixed integer weights and cannot be fine-tuned: quantize the teacher again");
    }
    this.teacher = teacher;
    this.student = student;
    this.options = options;
    List<NDArray> weights = KdTrainer.trainable(student.block());
    if (options.optimizer() == Optimizer.SGD) {
      sgd = new Sgd(weights, options.momentum(), options.weightDecay(), manager);
      adam = null;
    } else {
      adam = new Adam(List.of(new Adam.Group(weights, options.learningRate())), options.momentum(), 0.999, 1e-8,
          options.weightDecay(), manager);
      sgd = null;
    }
  }

  /**
   * One update on a normalised batch.
   *
   * @param labels int labels [N] for the CE term, or null
   * @return the loss parts ({@code kd}, {@code ce} when used, {@code total})
   */
  public Map<String, Double> step(NDArray x, @Nullable NDArray labels) {
    Map<String, Double> values = new LinkedHashMap<>();
    try (NDManager m = x.getManager().newSubManager()) {
      NDArray input = x.stopGradient();
      input.attach(m);
      if (sgd != null) {
        sgd.zeroGradients();
      } else if (adam != null) {
        adam.zeroGradients();
      }
      NDArray target = teacher.forward(input, false).logits().stopGradient();
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray logits = student.forward(input, true).logits();
        NDArray kd = Losses.kd(logits, target, options.temperature());
        NDArray total = kd;
        values.put("kd", (double) kd.getFloat());
        if (labels != null && options.crossEntropyWeight() != 0) {
          NDArray ce = Losses.crossEntropy(logits, labels);
          values.put("ce", (double) ce.getFloat());
          total = total.add(GraphScalars.mul(ce, options.crossEntropyWeight()));
        }
        values.put("total", (double) total.getFloat());
        gc.backward(total);
      }
      NonFiniteLossException.check("QAT-KD step " + steps, values);
      if (sgd != null) {
        sgd.step(options.learningRate());
      } else if (adam != null) {
        adam.step();
      }
    }
    steps++;
    return values;
  }

  @Override
  public void saveState(DataOutputStream out) {
    if (sgd != null) {
      sgd.saveState(out);
    } else if (adam != null) {
      adam.saveState(out);
    }
  }

  @Override
  public void loadState(DataInputStream in) {
    if (sgd != null) {
      sgd.loadState(in);
    } else if (adam != null) {
      adam.loadState(in);
    }
  }

  @Override
  public void close() {
    if (sgd != null) {
      sgd.close();
    }
    if (adam != null) {
      adam.close();
    }
  }
}
