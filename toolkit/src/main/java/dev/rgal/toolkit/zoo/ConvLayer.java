package dev.rgal.toolkit.zoo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** conv2d with square kernel, like {@code torch.nn.Conv2d}; weight [out, in, k, k], bias [out]. */
final class ConvLayer extends Layer {
  final String torchName;
  final int in;
  final int out;
  final int kernel;
  private final Shape stride;
  private final Shape padding;
  private static final Shape ONE = new Shape(1, 1);
  private final Parameter weight;
  private final @Nullable Parameter bias;

  /**
   * @param weightInit weight initialiser; {@code biasInit} null means no bias
   */
  ConvLayer(String torchName, int in, int out, int kernel, int stride, int padding,
      Initializer weightInit, @Nullable Initializer biasInit) {
    this.torchName = torchName;
    this.in = in;
    this.out = out;
    this.kernel = kernel;
    this.stride = new Shape(stride, stride);
    this.padding = new Shape(padding, padding);
    weight = addParameter(param("weight", Parameter.Type.WEIGHT, new Shape(out, in, kernel, kernel), weightInit));
    bias = biasInit == null ? null : addParameter(param("bias", Parameter.Type.BIAS, new Shape(out), biasInit));
  }

  /** PyTorch default initialisation (U(+-1/sqrt(in*k*k)) for weight and bias). */
  static ConvLayer torch(String name, int in, int out, int k, int stride, int pad, boolean bias) {
    Initializer init = Init.torchDefault((long) in * k * k);
    return new ConvLayer(name, in, out, k, stride, pad, init, bias ? init : null);
  }

  @Override
  NDArray apply(NDArray x, boolean training, @Nullable PairList<String, Object> params) {
    NDArray b = bias == null ? null : bias.getArray();
    NDArray y = Conv2d.conv2d(x, weightFor(torchName, weight.getArray(), params), b, stride, padding, ONE, 1).singletonOrThrow();
    MacCounter.count(params, (long) out * in * kernel * kernel * y.getShape().get(2) * y.getShape().get(3));
    return y;
  }

  /** Output size along one spatial axis. */
  int outSize(int size) {
    return (size + 2 * (int) padding.get(0) - kernel) / (int) stride.get(0) + 1;
  }

  Parameter weight() {
    return weight;
  }

  @Nullable Parameter bias() {
    return bias;
  }

  @Override
  void collectStateDict(Map<String, Parameter> outMap) {
    outMap.put(torchName + ".weight", weight);
    if (bias != null) {
      outMap.put(torchName + ".bias", bias);
    }
  }
}
