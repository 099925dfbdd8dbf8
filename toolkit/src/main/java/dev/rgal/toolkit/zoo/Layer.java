package dev.rgal.toolkit.zoo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Map;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Base of every zoo block. Each layer knows its PyTorch module name and the shapes of its
 * parameters at construction, so initialisation needs no shape inference, and the forward is a
 * direct call ({@link #apply}) instead of DJL's generic {@code forward}, which would re-check
 * initialisation of the whole subtree on every training call.
 *
 * <p>Parameters are read straight from {@link Parameter#getArray()} (single device), so weights
 * copied into those arrays in place are seen immediately.
 */
abstract class Layer extends AbstractBlock {

  /** The forward of this layer; {@code params} carries the per-forward BN-statistics sink. */
  abstract NDArray apply(NDArray x, boolean training, @Nullable PairList<String, Object> params);

  /** Adds this layer's PyTorch state-dict entries, in registration order. */
  void collectStateDict(Map<String, Parameter> out) {
    for (Block child : getChildren().values()) {
      ((Layer) child).collectStateDict(out);
    }
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, @Nullable PairList<String, Object> params) {
    return new NDList(apply(inputs.singletonOrThrow(), training, params));
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    // parameter shapes are fixed at construction, so children ignore the input shape
    for (Block child : getChildren().values()) {
      child.initialize(manager, dataType, inputShapes);
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    throw new UnsupportedOperationException(
        getClass().getSimpleName() + " does not infer shapes; use ZooNet.info()");
  }

  /**
   * Freezes or unfreezes the matching parameters, but never makes BN running statistics
   * trainable (DJL's default would, and BN's in-place running update then fails under autograd).
   */
  @Override
  public void freezeParameters(boolean freeze, Predicate<Parameter> pred) {
    for (Parameter p : getParameters().values()) {
      Parameter.Type t = p.getType();
      if (t != Parameter.Type.RUNNING_MEAN && t != Parameter.Type.RUNNING_VAR && pred.test(p)) {
        p.freeze(freeze);
      }
    }
  }

  @Override
  public void freezeParameters(boolean freeze) {
    freezeParameters(freeze, p -> true);
  }

  /** The weight a conv/linear layer uses in this forward: its parameter, or what the hooks make of it. */
  static NDArray weightFor(String layer, NDArray weight, @Nullable PairList<String, Object> params) {
    ForwardHooks hooks = ForwardHooks.of(params);
    return hooks == null ? weight : hooks.weight(layer, weight);
  }

  /** ReLU, followed by the activation hook of {@code site} when the forward carries hooks. */
  static NDArray relu(String site, NDArray x, @Nullable PairList<String, Object> params) {
    NDArray y = Activation.relu(x);
    ForwardHooks hooks = ForwardHooks.of(params);
    return hooks == null ? y : hooks.activation(site, y);
  }

  /** Key of the per-forward recorder of which BatchNorm feeds which ReLU ({@code Map<site, BN name>}). */
  static final String BN_BEFORE_RELU = "rgal.bnBeforeRelu";

  /**
   * {@code relu(site, bn(x))}: a ReLU whose input is exactly a BatchNorm's output, declared as such
   * so that {@link ZooNet#batchNormBeforeActivation()} can name the BN (BN-derived activation ranges
   * need it, and a ReLU after a residual sum must not claim one).
   */
  static NDArray bnRelu(String site, BnLayer bn, NDArray x, boolean training, @Nullable PairList<String, Object> params) {
    if (params != null && params.get(BN_BEFORE_RELU) instanceof java.util.Map<?, ?> recorder) {
      @SuppressWarnings("unchecked")
      java.util.Map<String, String> r = (java.util.Map<String, String>) recorder;
      r.put(site, bn.torchName);
    }
    return relu(site, bn.apply(x, training, params), params);
  }

  static Parameter param(String name, Parameter.Type type, Shape shape, ai.djl.training.initializer.Initializer init) {
    return Parameter.builder().setName(name).setType(type).optShape(shape).optInitializer(init).build();
  }
}
