package dev.rgal.toolkit.zoo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Wide ResNet WRN-d-k (ZSKT variant, baseline-methods.md 7.2): bias-free 3x3 stem, three groups of
 * (d-4)/6 pre-activation blocks (widths 16k/32k/64k, strides 1/2/2), head BN, ReLU, global average
 * pool, {@code fc}. Stages are the three group outputs before the head BN. Init: conv N(0,
 * sqrt(2/(k*k*out))), BN 1/0, fc weight PyTorch default, fc bias 0.
 */
final class WideResNet extends NetBody {
  private final ConvLayer conv1;
  private final List<List<PreAct>> groups = new ArrayList<>();
  private final BnLayer bn1;
  private final DenseLayer fc;

  WideResNet(int depth, int widen, int channels, int height, int width, int numClasses) {
    int n = (depth - 4) / 6;
    int[] widths = {16, 16 * widen, 32 * widen, 64 * widen};
    conv1 = addChildBlock("conv1", he("conv1", channels, 16, 3, 1, 1));
    int h = height;
    int w = width;
    List<Shape> shapes = new ArrayList<>();
    for (int g = 0; g < 3; g++) {
      List<PreAct> group = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int in = i == 0 ? widths[g] : widths[g + 1];
        int stride = i == 0 && g > 0 ? 2 : 1;
        String name = "block" + (g + 1) + ".layer." + i;
        group.add(addChildBlock(name, new PreAct(name, in, widths[g + 1], stride)));
        if (stride == 2) {
          h = (h - 1) / 2 + 1;
          w = (w - 1) / 2 + 1;
        }
      }
      groups.add(group);
      shapes.add(new Shape(widths[g + 1], h, w));
    }
    bn1 = addChildBlock("bn1", new BnLayer("bn1", widths[3]));
    fc = addChildBlock("fc", new DenseLayer("fc", widths[3], numClasses,
        Init.torchDefault(widths[3]), Init.constant(0f)));
    describe(shapes, widths[3], numClasses);
  }

  /** Bias-free conv with the WRN/VGG init N(0, sqrt(2/(k*k*out))). */
  static ConvLayer he(String name, int in, int out, int k, int stride, int pad) {
    return new ConvLayer(name, in, out, k, stride, pad, Init.normal(0, Math.sqrt(2.0 / (k * k * out))), null);
  }

  @Override
  NDList features(NDArray x, boolean training, @Nullable PairList<String, Object> p) {
    NDArray out = conv1.apply(x, training, p);
    List<NDArray> taps = new ArrayList<>(3);
    for (List<PreAct> group : groups) {
      for (PreAct b : group) {
        out = b.apply(out, training, p);
      }
      taps.add(out);
    }
    NDArray pooled = globalAvgPool(bnRelu("relu", bn1, out, training, p));
    return list(fc.apply(pooled, training, p), pooled, taps);
  }

  /**
   * Pre-activation block. Equal widths: x + conv2(relu(bn2(conv1(relu(bn1 x))))). Different widths:
   * o = relu(bn1 x); convShortcut(o) + conv2(relu(bn2(conv1 o))) -- the shortcut sees the activated
   * input, as in the reference.
   */
  static final class PreAct extends Layer {
    private final BnLayer bn1;
    private final ConvLayer conv1;
    private final BnLayer bn2;
    private final ConvLayer conv2;
    private final @Nullable ConvLayer shortcut;
    private final String name;

    PreAct(String name, int in, int out, int stride) {
      this.name = name;
      bn1 = addChildBlock("bn1", new BnLayer(name + ".bn1", in));
      conv1 = addChildBlock("conv1", he(name + ".conv1", in, out, 3, stride, 1));
      bn2 = addChildBlock("bn2", new BnLayer(name + ".bn2", out));
      conv2 = addChildBlock("conv2", he(name + ".conv2", out, out, 3, 1, 1));
      shortcut = in == out ? null
          : addChildBlock("convShortcut", he(name + ".convShortcut", in, out, 1, stride, 0));
    }

    @Override
    NDArray apply(NDArray x, boolean training, @Nullable PairList<String, Object> p) {
      NDArray o = bnRelu(name + ".relu1", bn1, x, training, p);
      NDArray h = bnRelu(name + ".relu2", bn2, conv1.apply(o, training, p), training, p);
      h = conv2.apply(h, training, p);
      NDArray s = shortcut == null ? x : shortcut.apply(o, training, p);
      return h.addi(s);
    }
  }
}
