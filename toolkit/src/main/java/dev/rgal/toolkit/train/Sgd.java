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
import java.util.ArrayList;
import java.util.List;

/**
 * SGD with momentum and weight decay exactly as {@code torch.optim.SGD} (no Nesterov, no
 * dampening): {@code g = ∇w + wd·w; b = μ·b + g} (the first step takes {@code b = g});
 * {@code w −= lr·b}. Gradients are zeroed after the step. Momentum buffers live in the
 * optimiser's own manager and are part of the resumable state.
 */
@API(status = STABLE, since = "0.1")
public final class Sgd implements Stateful, AutoCloseable {
  private final List<NDArray> weights;
  private final float momentum;
  private final float weightDecay;
  private final NDManager manager;
  private final List<NDArray> buffers = new ArrayList<>();

  /**
   * @param weights the arrays to optimise (each with gradient enabled)
   * @param manager parent manager; the optimiser opens a sub-manager for its buffers
   */
  public Sgd(List<NDArray> weights, double momentum, double weightDecay, NDManager manager) {
    this.weights = List.copyOf(weights);
    this.momentum = (float) momentum;
    this.weightDecay = (float) weightDecay;
    this.manager = manager.newSubManager();
  }

  /** Applies one update with learning rate {@code lr} from the accumulated gradients. */
  public void step(double lr) {
    float rate = (float) lr;
    NoGrad.run(() -> {
      boolean first = buffers.isEmpty();
      for (int i = 0; i < weights.size(); i++) {
        NDArray w = weights.get(i);
        // while w is temporarily attached to tmp, every array an op on w (or its gradient)
        // creates lands in tmp and is freed with it; buffers are attached to the optimiser
        try (NDManager tmp = manager.newSubManager()) {
          tmp.tempAttachAll(w);
        try (NDArray grad = w.getGradient()) {
          NDArray g = weightDecay == 0 ? grad.duplicate() : grad.add(w.mul(weightDecay));
          if (momentum == 0) {
            w.subi(g.muli(rate));
            g.close();
          } else if (first) {
            g.attach(manager);
            buffers.add(g);
            w.subi(g.mul(rate));
          } else {
            NDArray b = buffers.get(i);
            b.muli(momentum).addi(g);
            g.close();
            try (NDArray delta = b.mul(rate)) {
              w.subi(delta);
            }
          }
        }
        JniUtils.zeroGrad((PtNDArray) w);
        }
      }
    });
  }

  /**
   * Zeroes the gradients of every optimised weight without updating: gradients that reached the
   * weights from elsewhere (a synthesis term back-propagating through the student) must not enter
   * the next step, like {@code optimizer.zero_grad()} before {@code backward()} in the reference.
   */
  public void zeroGradients() {
    for (NDArray w : weights) {
      JniUtils.zeroGrad((PtNDArray) w);
    }
  }

  @Override
  public void saveState(DataOutputStream out) {
    ArrayState.write(out, buffers);
  }

  @Override
  public void loadState(DataInputStream in) {
    buffers.forEach(NDArray::close);
    buffers.clear();
    NDList list = ArrayState.read(in, manager);
    if (!list.isEmpty() && list.size() != weights.size()) {
      throw new IllegalStateException("optimiser state has " + list.size() + " buffers for " + weights.size() + " weights");
    }
    buffers.addAll(list);
  }

  @Override
  public void close() {
    manager.close();
  }
}
