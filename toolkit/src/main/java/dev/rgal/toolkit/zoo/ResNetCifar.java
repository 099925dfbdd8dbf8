package dev.rgal.toolkit.zoo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * CIFAR ResNet-18/34 (DAFL variant, baseline-methods.md 7.1): 3x3 stem + BN + ReLU without
 * max-pool, four stages of BasicBlocks (64/128/256/512, strides 1/2/2/2), global average pool,
 * {@code linear}. Stages are the four stage outputs x1..x4. PyTorch default initialisation.
 */
final class ResNetCifar extends NetBody {
  private final ConvLayer conv1;
  private final BnLayer bn1;
  private final List<List<Basic>> stages = new ArrayList<>();
  private final DenseLayer linear;

  ResNetCifar(int[] blocks, int channels, int height, int width, int numClasses) {
    conv1 = addChildBlock("conv1", ConvLayer.torch("conv1", channels, 64, 3, 1, 1, false));
    bn1 = addChildBlock("bn1", new BnLayer("bn1", 64));
    int in = 64;
    int h = height;
    int w = width;
    int[] planes = {64, 128, 256, 512};
    List<Shape> shapes = new ArrayList<>();
    for (int s = 0; s < 4; s++) {
      List<Basic> stage = new ArrayList<>();
      for (int b = 0; b < blocks[s]; b++) {
        int stride = b == 0 && s > 0 ? 2 : 1;
        String name = "layer" + (s + 1) + "." + b;
        stage.add(addChildBlock(name, new Basic(name, in, planes[s], stride)));
        in = planes[s];
        if (stride == 2) {
          h = (h - 1) / 2 + 1;
          w = (w - 1) / 2 + 1;
        }
      }
      stages.add(stage);
      shapes.add(new Shape(planes[s], h, w));
    }
    linear = addChildBlock("linear", DenseLayer.torch("linear", 512, numClasses));
    describe(shapes, 512, numClasses);
  }

  @Override
  NDList features(NDArray x, boolean training, @Nullable PairList<String, Object> p) {
    NDArray out = bnRelu("relu", bn1, conv1.apply(x, training, p), training, p);
    List<NDArray> taps = new ArrayList<>(4);
    for (List<Basic> stage : stages) {
      for (Basic b : stage) {
        out = b.apply(out, training, p);
      }
      taps.add(out);
    }
    NDArray pooled = globalAvgPool(out);
    return list(linear.apply(pooled, training, p), pooled, taps);
  }

  /** BasicBlock: relu(bn2(conv2(relu(bn1(conv1 x)))) + shortcut(x)). */
  static final class Basic extends Layer {
    private final ConvLayer conv1;
    private final BnLayer bn1;
    private final ConvLayer conv2;
    private final BnLayer bn2;
    private final @Nullable ConvLayer shortConv;
    private final @Nullable BnLayer shortBn;
    private final String name;

    Basic(String name, int in, int planes, int stride) {
      this.name = name;
      conv1 = addChildBlock("conv1", ConvLayer.torch(name + ".conv1", in, planes, 3, stride, 1, false));
      bn1 = addChildBlock("bn1", new BnLayer(name + ".bn1", planes));
      conv2 = addChildBlock("conv2", ConvLayer.torch(name + ".conv2", planes, planes, 3, 1, 1, false));
      bn2 = addChildBlock("bn2", new BnLayer(name + ".bn2", planes));
      if (stride != 1 || in != planes) {
        shortConv = addChildBlock("shortcut0",
            ConvLayer.torch(name + ".shortcut.0", in, planes, 1, stride, 0, false));
        shortBn = addChildBlock("shortcut1", new BnLayer(name + ".shortcut.1", planes));
      } else {
        shortConv = null;
        shortBn = null;
      }
    }

    @Override
    NDArray apply(NDArray x, boolean training, @Nullable PairList<String, Object> p) {
      NDArray h = bnRelu(name + ".relu1", bn1, conv1.apply(x, training, p), training, p);
      h = bn2.apply(conv2.apply(h, training, p), training, p);
      NDArray s = shortConv == null || shortBn == null
          ? x
          : shortBn.apply(shortConv.apply(x, training, p), training, p);
      return relu(name + ".relu2", h.addi(s), p);
    }
  }
}
