package dev.rgal.incremental;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

import ai.djl.ndarray.NDArray;
import dev.rgal.api.DfkdException;
import dev.rgal.api.model.BnStatistics;
import dev.rgal.api.model.FeatureNet;
import dev.rgal.toolkit.zoo.ForwardHooks;
import dev.rgal.toolkit.zoo.LayerDescriptor;
import dev.rgal.toolkit.zoo.ZooNet;
import java.util.List;

/**
 * A zoo net seen as backbone φ plus linear head (W, b), as ABD's losses need it: the head is the
 * last linear layer, φ its input. For LeNet-5 that is the 84-d fc1 + ReLU output (spec §7.1), not
 * {@code Features.pooled}; for the ResNets it is the pooled feature. φ is found without naming an
 * architecture: the last ReLU output whose per-sample size is the head's input size, else pooled.
 */
@API(status = EXPERIMENTAL, since = "0.2")
public final class HeadView {
  /** One forward: logits, φ and (when asked) the BN statistics. */
  public record Forward(NDArray logits, NDArray features, List<BnStatistics> bn, dev.rgal.api.model.Features all) {}

  private final ZooNet net;
  private final NDArray weight;
  private final NDArray bias;
  private final long inputDim;

  private HeadView(ZooNet net, NDArray weight, NDArray bias) {
    this.net = net;
    this.weight = weight;
    this.bias = bias;
    this.inputDim = weight.getShape().get(1);
  }

  /** @throws DfkdException when the net is not a zoo net or has no linear head */
  public static HeadView of(FeatureNet net, String method) {
    if (!(net instanceof ZooNet z)) {
      throw new DfkdException("method '" + method + "' needs a zoo architecture (its linear head and features), not "
          + net.info().architecture() + ": use a zoo architecture such as lenet5-bn");
    }
    List<LayerDescriptor> dense = z.layers().stream().filter(l -> l.kind() == LayerDescriptor.Kind.DENSE).toList();
    if (dense.isEmpty()) {
      throw new DfkdException(net.info().architecture() + " has no linear head: method '" + method + "' needs one");
    }
    String name = dense.get(dense.size() - 1).name();
    return new HeadView(z, z.stateDict().get(name + ".weight").getArray(), z.stateDict().get(name + ".bias").getArray());
  }

  /** The head's weight [K, d] (a live parameter: gradients reach it). */
  public NDArray weight() {
    return weight;
  }

  public NDArray bias() {
    return bias;
  }

  /** W·f + b for features f [N, d]. */
  public NDArray apply(NDArray features) {
    return features.matMul(weight.transpose()).add(bias);
  }

  /** A forward that also returns φ (and the BN statistics when {@code withBn}). */
  public Forward forward(NDArray x, boolean training, boolean withBn) {
    NDArray[] last = new NDArray[1];
    ForwardHooks hooks = new ForwardHooks() {
      @Override
      public NDArray activation(String site, NDArray a) {
        if (a.getShape().size() / a.getShape().get(0) == inputDim) {
          last[0] = a;
        }
        return a;
      }
    };
    var f = withBn ? net.forwardWithBnStatistics(x, training, hooks) : net.forward(x, training, hooks);
    NDArray features = last[0] != null ? last[0].reshape(x.getShape().get(0), inputDim) : f.pooled();
    if (features.getShape().get(1) != inputDim) {
      throw new DfkdException("cannot find the input of " + net.info().architecture() + "'s head (" + inputDim + " features)");
    }
    return new Forward(f.logits(), features, f.bnStatistics(), f);
  }
}
