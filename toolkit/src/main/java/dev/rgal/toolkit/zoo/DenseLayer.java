package dev.rgal.toolkit.zoo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Fully connected layer like {@code torch.nn.Linear}: weight [out, in], bias [out]; input [N, in]. */
final class DenseLayer extends Layer {
  final String torchName;
  final int in;
  final int out;
  private final Parameter weight;
  private final Parameter bias;

  DenseLayer(String torchName, int in, int out, Initializer weightInit, Initializer biasInit) {
    this.torchName = torchName;
    this.in = in;
    this.out = out;
    weight = addParameter(param("weight", Parameter.Type.WEIGHT, new Shape(out, in), weightInit));
    bias = addParameter(param("bias", Parameter.Type.BIAS, new Shape(out), biasInit));
  }

  static DenseLayer torch(String name, int in, int out) {
    Initializer init = Init.torchDefault(in);
    return new DenseLayer(name, in, out, init, init);
  }

  @Override
  NDArray apply(NDArray x, boolean training, @Nullable PairList<String, Object> params) {
    MacCounter.count(params, weight.getShape().size());
    return Linear.linear(x, weightFor(torchName, weight.getArray(), params), bias.getArray()).singletonOrThrow();
  }

  Parameter weight() {
    return weight;
  }

  Parameter bias() {
    return bias;
  }

  @Override
  void collectStateDict(Map<String, Parameter> outMap) {
    outMap.put(torchName + ".weight", weight);
    outMap.put(torchName + ".bias", bias);
  }
}
