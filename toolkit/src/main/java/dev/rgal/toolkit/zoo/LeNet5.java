package dev.rgal.toolkit.zoo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.util.PairList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * LeNet-5 (DAFL, baseline-methods.md 7.4) and its BatchNorm variant (fmnist-lenet5.md), for 32x32
 * inputs: three 5x5 convs with bias (max-pool after the first two), then fc 120-84-K (or 60-42-K for
 * the half width). PyTorch default initialisation.
 *
 * <p>State-dict names follow the reference {@code nn.Sequential} indices. Plain: {@code
 * features.0/3/6} (convs), {@code fc.0/2}. BN variant (no reference exists; same pattern, a BN
 * inserted after each conv): {@code features.0} conv, {@code features.1} BN, (2 ReLU, 3 pool),
 * {@code features.4} conv, {@code features.5} BN, (6 ReLU, 7 pool), {@code features.8} conv,
 * {@code features.9} BN, (10 ReLU), then {@code fc.0}, {@code fc.2}.
 *
 * <p>Stages: block-1 after max-pool [C1,14,14], block-2 after max-pool [C2,5,5], block-3 after ReLU
 * [C3,1,1]; pooled = block-3 flattened.
 */
final class LeNet5 extends NetBody {
  private final ConvLayer[] convs = new ConvLayer[3];
  private final @Nullable BnLayer[] bns = new BnLayer[3];
  private final DenseLayer fc0;
  private final DenseLayer fc2;
  private final int c3;
  private final String[] reluSites = new String[3];

  LeNet5(boolean half, boolean batchNorm, int channels, int numClasses) {
    int[] widths = half ? new int[] {3, 8, 60} : new int[] {6, 16, 120};
    int hidden = half ? 42 : 84;
    int in = channels;
    int step = batchNorm ? 4 : 3;
    for (int i = 0; i < 3; i++) {
      String conv = "features." + (step * i);
      convs[i] = addChildBlock(conv, ConvLayer.torch(conv, in, widths[i], 5, 1, 0, true));
      if (batchNorm) {
        String bn = "features." + (step * i + 1);
        bns[i] = addChildBlock(bn, new BnLayer(bn, widths[i]));
      }
      // the ReLU's index in the reference nn.Sequential: after the conv (and its BN)
      reluSites[i] = "features." + (step * i + (batchNorm ? 2 : 1));
      in = widths[i];
    }
    c3 = widths[2];
    fc0 = addChildBlock("fc.0", DenseLayer.torch("fc.0", c3, hidden));
    fc2 = addChildBlock("fc.2", DenseLayer.torch("fc.2", hidden, numClasses));
    describe(List.of(new Shape(widths[0], 14, 14), new Shape(widths[1], 5, 5), new Shape(c3, 1, 1)),
        c3, numClasses);
  }

  private NDArray block(int i, NDArray x, boolean training, @Nullable PairList<String, Object> p) {
    NDArray h = convs[i].apply(x, training, p);
    BnLayer bn = bns[i];
    return bn == null ? relu(reluSites[i], h, p) : bnRelu(reluSites[i], bn, h, training, p);
  }

  @Override
  NDList features(NDArray x, boolean training, @Nullable PairList<String, Object> p) {
    NDArray s1 = maxPool2(block(0, x, training, p));
    NDArray s2 = maxPool2(block(1, s1, training, p));
    NDArray s3 = block(2, s2, training, p);
    NDArray pooled = s3.reshape(s3.getShape().get(0), c3);
    NDArray hidden = relu("fc.1", fc0.apply(pooled, training, p), p);
    return list(fc2.apply(hidden, training, p), pooled, List.of(s1, s2, s3));
  }
}
