package dev.rgal.toolkit.zoo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * VGG-11 with BatchNorm, CIFAR variant (RepDistiller, baseline-methods.md 7.3). Five blocks of
 * [conv3x3 (bias) - BN - ReLU], the last ReLU of each block applied by the forward; max-pool after
 * blocks 0-2 (and after block 3 only for 64-pixel inputs); global average pool; {@code
 * classifier}. Stages are the five block outputs after their ReLU and, for blocks 0-2 (and 3 at 64
 * px), after the max-pool; the last stage is relu(block4) before the average pool. Init: conv
 * N(0, sqrt(2/(9*out))) with bias 0, BN 1/0, classifier N(0, 0.01) with bias 0.
 */
final class Vgg extends NetBody {
  private static final int[][] CFG_A = {{64}, {128}, {256, 256}, {512, 512}, {512, 512}};

  private final List<List<ConvLayer>> convs = new ArrayList<>();
  private final List<List<BnLayer>> bns = new ArrayList<>();
  private final boolean[] poolAfter = new boolean[5];
  private final DenseLayer classifier;

  Vgg(int channels, int height, int width, int numClasses) {
    int in = channels;
    int h = height;
    int w = width;
    List<Shape> shapes = new ArrayList<>();
    for (int b = 0; b < CFG_A.length; b++) {
      List<ConvLayer> c = new ArrayList<>();
      List<BnLayer> n = new ArrayList<>();
      for (int i = 0; i < CFG_A[b].length; i++) {
        int out = CFG_A[b][i];
        // torch Sequential indices: conv 3i, BN 3i+1, ReLU 3i+2
        String conv = "block" + b + "." + (3 * i);
        String bn = "block" + b + "." + (3 * i + 1);
        c.add(addChildBlock(conv, new ConvLayer(conv, in, out, 3, 1, 1,
            Init.normal(0, Math.sqrt(2.0 / (9 * out))), Init.constant(0f))));
        n.add(addChildBlock(bn, new BnLayer(bn, out)));
        in = out;
      }
      convs.add(c);
      bns.add(n);
      poolAfter[b] = b < 3 || (b == 3 && height == 64);
      if (poolAfter[b]) {
        h /= 2;
        w /= 2;
      }
      shapes.add(new Shape(in, h, w));
    }
    classifier = addChildBlock("classifier", new DenseLayer("classifier", 512, numClasses,
        Init.normal(0, 0.01), Init.constant(0f)));
    describe(shapes, 512, numClasses);
  }

  @Override
  NDList features(NDArray x, boolean training, @Nullable PairList<String, Object> p) {
    NDArray out = x;
    List<NDArray> taps = new ArrayList<>(5);
    for (int b = 0; b < convs.size(); b++) {
      List<ConvLayer> c = convs.get(b);
      List<BnLayer> n = bns.get(b);
      for (int i = 0; i < c.size(); i++) {
        out = bnRelu("block" + b + "." + (3 * i + 2), n.get(i), c.get(i).apply(out, training, p), training, p);
      }
      if (poolAfter[b]) {
        out = maxPool2(out);
      }
      taps.add(out);
    }
    NDArray pooled = globalAvgPool(out);
    return list(classifier.apply(pooled, training, p), pooled, taps);
  }
}
