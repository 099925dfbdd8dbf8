package dev.rgal.cmi;

import dev.rgal.toolkit.graph.GraphScalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import java.util.List;

/**
 * CMI's projection head {@code h(f) = normalize(W2·relu(W1·f + b1) + b2)}: Linear(D→D), ReLU,
 * Linear(D→out), then L2-normalised rows, with PyTorch's default {@code nn.Linear}
 * initialisation U(−1/√D, 1/√D). Its four arrays require gradients and live in the manager it
 * was built with, so they persist across synthesis calls.
 */
final class ProjectionHead {
  private final int in;
  private final int out;
  private final List<Parameter> parameters;

  ProjectionHead(int in, int out, NDManager manager) {
    this.in = in;
    this.out = out;
    float bound = (float) (1.0 / Math.sqrt(in));
    parameters = List.of(
        param("head.0.weight", Parameter.Type.WEIGHT, manager.randomUniform(-bound, bound, new Shape(in, in), DataType.FLOAT32)),
        param("head.0.bias", Parameter.Type.BIAS, manager.randomUniform(-bound, bound, new Shape(in), DataType.FLOAT32)),
        param("head.2.weight", Parameter.Type.WEIGHT, manager.randomUniform(-bound, bound, new Shape(out, in), DataType.FLOAT32)),
        param("head.2.bias", Parameter.Type.BIAS, manager.randomUniform(-bound, bound, new Shape(out), DataType.FLOAT32)));
  }

  private static Parameter param(String name, Parameter.Type type, NDArray array) {
    array.setRequiresGradient(true);
    return Parameter.builder().setName(name).setType(type).optArray(array).build();
  }

  int inputDim() {
    return in;
  }

  int outputDim() {
    return out;
  }

  /** W1, b1, W2, b2 in that order (torch layout: weights are [out, in]). */
  List<Parameter> parameters() {
    return parameters;
  }

  /**
   * @param f [M, D] features; the result [M, out] belongs to f's manager (the weights are never
   *     the first operand, so nothing lands in the head's long-lived manager)
   */
  NDArray project(NDArray f) {
    NDArray hidden = Linear.linear(f, parameters.get(0).getArray(), parameters.get(1).getArray())
        .singletonOrThrow();
    hidden = GraphScalars.max(hidden, 0);
    NDArray z = Linear.linear(hidden, parameters.get(2).getArray(), parameters.get(3).getArray()).singletonOrThrow();
    // F.normalize: divide by max(‖z‖, 1e-12)
    return z.div(GraphScalars.max(z.square().sum(new int[] {1}, true).sqrt(), 1e-12f));
  }
}
