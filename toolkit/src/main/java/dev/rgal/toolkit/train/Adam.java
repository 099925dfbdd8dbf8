package dev.rgal.toolkit.train;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import dev.rgal.toolkit.graph.NoGrad;

import dev.rgal.toolkit.state.ArrayState;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.rgal.api.Stateful;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Adam exactly as {@code torch.optim.Adam} (L2 weight decay added to the gradient, bias
 * correction, eps outside the square root). Unlike DJL's optimisers its moments are reachable, so
 * a persistent Adam (Fast's meta-optimiser) is resumable. Gradients are zeroed after each step.
 */
@API(status = STABLE, since = "0.1")
public final class Adam implements Stateful, AutoCloseable {
  private final List<NDArray> weights;
  private final List<Float> learningRates;
  private final float beta1;
  private final float beta2;
  private final float eps;
  private final float weightDecay;
  private final NDManager manager;
  private final List<NDArray> m = new ArrayList<>();
  private final List<NDArray> v = new ArrayList<>();
  private long steps;
  private float lrScale = 1f;

  /**
   * @param groups weights with their own learning rate each (e.g. generator at lr_g, z at lr_z)
   * @param manager parent manager; moments live in a sub-manager closed with the optimiser
   */
  public Adam(List<Group> groups, double beta1, double beta2, double eps, double weightDecay, NDManager manager) {
    List<NDArray> w = new ArrayList<>();
    List<Float> lr = new ArrayList<>();
    for (Group g : groups) {
      for (NDArray a : g.weights()) {
        w.add(a);
        lr.add((float) g.lr());
      }
    }
    this.weights = List.copyOf(w);
    this.learningRates = List.copyOf(lr);
    this.beta1 = (float) beta1;
    this.beta2 = (float) beta2;
    this.eps = (float) eps;
    this.weightDecay = (float) weightDecay;
    this.manager = manager.newSubManager();
  }

  /** Weights sharing one learning rate. */
  public record Group(List<NDArray> weights, double lr) {
    public Group {
      weights = List.copyOf(weights);
    }
  }

  /** Adam with PyTorch's default eps 1e-8 and no weight decay. */
  public static Adam of(List<Group> groups, double beta1, double beta2, NDManager manager) {
    return new Adam(groups, beta1, beta2, 1e-8, 0, manager);
  }

  public List<NDArray> weights() {
    return weights;
  }

  /** Updates made so far (restored on resume). */
  public long steps() {
    return steps;
  }

  /** Multiplies every group's learning rate by {@code scale} from the next step on (schedules). */
  public void setLearningRateScale(double scale) {
    lrScale = (float) scale;
  }

  /** One update from the accumulated gradients (which are then zeroed). */
  public void step() {
    step(null);
  }

  /**
   * One update from explicit gradients, one per weight in order (e.g. a meta-gradient summed over
   * inner steps); null means the weights' accumulated gradients.
   */
  public void step(@Nullable List<NDArray> gradients) {
    steps++;
    float bc1 = (float) (1 - Math.pow(beta1, steps));
    float bc2Sqrt = (float) Math.sqrt(1 - Math.pow(beta2, steps));
    NoGrad.run(() -> {
      boolean first = m.isEmpty();
      for (int i = 0; i < weights.size(); i++) {
        NDArray w = weights.get(i);
        // temporaries of ops on w and its gradient land in tmp (see Sgd); moments are attached
        try (NDManager tmp = manager.newSubManager()) {
        tmp.tempAttachAll(w);
        try (NDArray raw = gradients == null ? w.getGradient() : gradients.get(i).duplicate()) {
          // every temporary is closed here: ops on the gradient land in the weight's manager,
          // which for a long-lived weight (CMI's head) would otherwise grow by each step
          NDArray g = raw;
          if (weightDecay != 0) {
            try (NDArray decay = w.mul(weightDecay)) {
              g = raw.add(decay);
            }
          }
          if (first) {
            NDArray mi = g.mul(1 - beta1);
            NDArray vi = g.square().muli(1 - beta2);
            mi.attach(manager);
            vi.attach(manager);
            m.add(mi);
            v.add(vi);
          } else {
            try (NDArray gm = g.mul(1 - beta1); NDArray g2 = g.square()) {
              m.get(i).muli(beta1).addi(gm);
              v.get(i).muli(beta2).addi(g2.muli(1 - beta2));
            }
          }
          try (NDArray denom = v.get(i).sqrt().divi(bc2Sqrt).addi(eps);
              NDArray update = m.get(i).mul(learningRates.get(i) * lrScale / bc1).divi(denom)) {
            w.subi(update);
          }
          if (g != raw) {
            g.close();
          }
        }
        JniUtils.zeroGrad((PtNDArray) w);
        }
      }
    });
  }

  /** Zeroes the gradients without updating (e.g. gradients accumulated for another optimiser). */
  public void zeroGradients() {
    for (NDArray w : weights) {
      JniUtils.zeroGrad((PtNDArray) w);
    }
  }

  @Override
  public void saveState(DataOutputStream out) {
    try {
      out.writeLong(steps);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<NDArray> all = new ArrayList<>(m);
    all.addAll(v);
    ArrayState.write(out, all);
  }

  @Override
  public void loadState(DataInputStream in) {
    try {
      steps = in.readLong();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    m.forEach(NDArray::close);
    v.forEach(NDArray::close);
    m.clear();
    v.clear();
    NDList all = ArrayState.read(in, manager);
    int k = all.size() / 2;
    m.addAll(all.subList(0, k));
    v.addAll(all.subList(k, 2 * k));
  }

  @Override
  public void close() {
    manager.close();
  }
}
