package dev.rgal.toolkit.zoo;

import dev.rgal.toolkit.graph.GraphScalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.util.PairList;
import dev.rgal.api.model.BnStatistics;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * BatchNorm over axis 1 with PyTorch semantics (eps 1e-5, momentum 0.1, biased variance for
 * normalising, unbiased for the running variance), plus a statistics tap.
 *
 * <p>The tap is active only when the forward's params carry a sink under {@link #SINK}; then the
 * batch mean and biased batch variance of this layer's <em>input</em> are computed (inside the
 * autograd graph) and appended together with the live running-statistics arrays. A plain forward
 * computes nothing extra.
 */
final class BnLayer extends Layer {
  /** Key of the per-forward {@code List<BnStatistics>} sink in the forward params. */
  static final String SINK = "rgal.bnStatistics";

  /** DJL/MXNet momentum convention: running = 0.9 running + 0.1 batch, i.e. PyTorch's 0.1. */
  private static final float MOMENTUM = 0.9f;
  private static final float EPS = 1e-5f;

  final String torchName;
  final int channels;
  private final Parameter gamma;
  private final Parameter beta;
  private final Parameter runningMean;
  private final Parameter runningVar;

  BnLayer(String torchName, int channels) {
    this.torchName = torchName;
    this.channels = channels;
    Shape s = new Shape(channels);
    gamma = addParameter(param("gamma", Parameter.Type.GAMMA, s, Init.constant(1f)));
    beta = addParameter(param("beta", Parameter.Type.BETA, s, Init.constant(0f)));
    runningMean = addParameter(Parameter.builder().setName("runningMean")
        .setType(Parameter.Type.RUNNING_MEAN).optShape(s).optInitializer(Init.constant(0f))
        .optRequiresGrad(false).build());
    runningVar = addParameter(Parameter.builder().setName("runningVar")
        .setType(Parameter.Type.RUNNING_VAR).optShape(s).optInitializer(Init.constant(1f))
        .optRequiresGrad(false).build());
  }

  @Override
  NDArray apply(NDArray x, boolean training, @Nullable PairList<String, Object> params) {
    if (params != null) {
      Object sink = params.get(SINK);
      if (sink != null) {
        @SuppressWarnings("unchecked")
        List<BnStatistics> list = (List<BnStatistics>) sink;
        list.add(statistics(x));
      }
    }
    return BatchNorm.batchNorm(x, runningMean.getArray(), runningVar.getArray(), gamma.getArray(),
        beta.getArray(), 1, MOMENTUM, EPS, training).singletonOrThrow();
  }

  /**
   * Batch mean, biased batch variance and per-sample channel means of x ([N, C] or [N, C, ...]).
   * Two passes over x plus one centred square: the per-sample means come from one reduction, the
   * batch mean is their mean (all samples have the same H*W), and the variance is the mean of the
   * centred squares (two-pass, as precise as PyTorch's var). DJL's PyTorch mean takes one axis
   * only, but sum takes several, which avoids the transposed copy a [C, N*H*W] view would need.
   */
  private BnStatistics statistics(NDArray x) {
    Shape shape = x.getShape();
    long n = shape.get(0);
    if (shape.dimension() == 2) {
      NDArray mean = x.mean(new int[] {0});
      NDArray var = x.sub(mean.reshape(1, channels)).square().mean(new int[] {0});
      return new BnStatistics(torchName, runningMean.getArray(), runningVar.getArray(), mean, var, x, x);
    }
    NDArray instance = x.reshape(n, channels, -1).mean(new int[] {2});
    NDArray mean = instance.mean(new int[] {0});
    long[] meanShape = new long[shape.dimension()];
    int[] reduce = new int[shape.dimension() - 1];
    Arrays.fill(meanShape, 1);
    meanShape[1] = channels;
    for (int i = 0, j = 0; i < shape.dimension(); i++) {
      if (i != 1) {
        reduce[j++] = i;
      }
    }
    long count = shape.size() / channels;
    NDArray var = GraphScalars.div(x.sub(mean.reshape(new Shape(meanShape))).square().sum(reduce), count);
    return new BnStatistics(torchName, runningMean.getArray(), runningVar.getArray(), mean, var, instance, x);
  }

  Parameter gamma() {
    return gamma;
  }

  Parameter beta() {
    return beta;
  }

  Parameter runningMean() {
    return runningMean;
  }

  Parameter runningVar() {
    return runningVar;
  }

  @Override
  void collectStateDict(Map<String, Parameter> out) {
    out.put(torchName + ".weight", gamma);
    out.put(torchName + ".bias", beta);
    out.put(torchName + ".running_mean", runningMean);
    out.put(torchName + ".running_var", runningVar);
  }
}
