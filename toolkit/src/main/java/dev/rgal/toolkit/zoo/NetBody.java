package dev.rgal.toolkit.zoo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The root block of a zoo classifier. Its DJL forward returns {@code [logits, pooled, stage_1, ...,
 * stage_n]}, so a DJL {@code Trainer} sees the logits first.
 */
abstract class NetBody extends Layer {
  /** Stage output shapes [C, H, W] for the input size the net was built for. */
  private final List<Shape> stageShapes = new ArrayList<>();
  private long pooledDim;
  private int numClasses;

  /** The forward: [logits, pooled, stages...]. */
  abstract NDList features(NDArray x, boolean training, @Nullable PairList<String, Object> params);

  /** Records the static output shapes (called by subclasses' constructors). */
  final void describe(List<Shape> stages, long pooled, int classes) {
    stageShapes.addAll(stages);
    pooledDim = pooled;
    numClasses = classes;
  }

  final List<Shape> stageShapes() {
    return List.copyOf(stageShapes);
  }

  final long pooledDim() {
    return pooledDim;
  }

  @Override
  final NDArray apply(NDArray x, boolean training, @Nullable PairList<String, Object> params) {
    return features(x, training, params).get(0);
  }

  @Override
  protected final NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, @Nullable PairList<String, Object> params) {
    return features(inputs.singletonOrThrow(), training, params);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    long n = inputShapes[0].get(0);
    Shape[] out = new Shape[2 + stageShapes.size()];
    out[0] = new Shape(n, numClasses);
    out[1] = new Shape(n, pooledDim);
    for (int i = 0; i < stageShapes.size(); i++) {
      out[2 + i] = new Shape(n).addAll(stageShapes.get(i));
    }
    return out;
  }

  /** Global average pool to [N, C]. */
  static NDArray globalAvgPool(NDArray x) {
    NDArray p = Pool.globalAvgPool2d(x);
    return p.getShape().dimension() == 2 ? p : p.reshape(x.getShape().get(0), x.getShape().get(1));
  }

  static NDArray maxPool2(NDArray x) {
    return Pool.maxPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
  }

  static NDList list(NDArray logits, NDArray pooled, List<NDArray> stages) {
    NDList out = new NDList(2 + stages.size());
    out.add(logits);
    out.add(pooled);
    out.addAll(stages);
    return out;
  }
}
