package dev.rgal.cmi;

import dev.rgal.toolkit.graph.GraphScalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/**
 * CMI's local view without normalisation: torchvision's {@code RandomResizedCrop(H×W, scale,
 * ratio (3/4, 4/3))} followed by a horizontal flip with probability 0.5, drawn per sample.
 *
 * <p>The crop is resized back to H×W bilinearly (half-pixel centres, like
 * {@code align_corners=False}, without antialiasing). Each output pixel is a fixed weighted sum of
 * four gathered input pixels, so the view is differentiable with respect to the images.
 */
final class LocalView {
  private static final double LOG_RATIO_MIN = Math.log(3.0 / 4.0);
  private static final double LOG_RATIO_MAX = Math.log(4.0 / 3.0);

  private LocalView() {}

  /** One crop box in pixels. */
  record Box(int top, int left, int height, int width) {}

  /**
   * @param x [N, C, H, W] images in [0, 1]
   * @param minScale smallest crop area as a fraction of the image (CMI: 0.25)
   */
  static NDArray apply(NDArray x, double minScale, Random random) {
    Shape s = x.getShape();
    int n = (int) s.get(0);
    Box[] boxes = new Box[n];
    boolean[] flips = new boolean[n];
    for (int i = 0; i < n; i++) {
      boxes[i] = sampleBox((int) s.get(2), (int) s.get(3), minScale, random);
      flips[i] = random.nextBoolean();
    }
    return resizedCrop(x, boxes, flips);
  }

  /** torchvision's box sampling: ten tries at a random area and aspect ratio, else the whole image. */
  static Box sampleBox(int h, int w, double minScale, Random random) {
    double area = (double) h * w;
    for (int attempt = 0; attempt < 10; attempt++) {
      double target = area * (minScale + (1 - minScale) * random.nextDouble());
      double ratio = Math.exp(LOG_RATIO_MIN + (LOG_RATIO_MAX - LOG_RATIO_MIN) * random.nextDouble());
      int cw = (int) Math.round(Math.sqrt(target * ratio));
      int ch = (int) Math.round(Math.sqrt(target / ratio));
      if (cw > 0 && ch > 0 && cw <= w && ch <= h) {
        return new Box(random.nextInt(h - ch + 1), random.nextInt(w - cw + 1), ch, cw);
      }
    }
    // the ratio range contains 1, so torchvision's centre-crop fallback is the whole square image
    return new Box(0, 0, h, w);
  }

  /** Crops each sample to its box, resizes it to H×W bilinearly and mirrors it where flagged. */
  static NDArray resizedCrop(NDArray x, Box[] boxes, boolean[] flips) {
    Shape s = x.getShape();
    int n = (int) s.get(0);
    int c = (int) s.get(1);
    int h = (int) s.get(2);
    int w = (int) s.get(3);
    // per sample and output row/column: the two source coordinates and the weight of the second
    long[][] rows = new long[2][n * h];
    long[][] cols = new long[2][n * w];
    float[] wy = new float[n * h];
    float[] wx = new float[n * w];
    for (int i = 0; i < n; i++) {
      Box b = boxes[i];
      for (int r = 0; r < h; r++) {
        fill(rows, wy, i * h + r, r, h, b.height(), b.top());
      }
      for (int q = 0; q < w; q++) {
        int outCol = flips[i] ? w - 1 - q : q;
        fill(cols, wx, i * w + outCol, q, w, b.width(), b.left());
      }
    }
    NDManager m = x.getManager();
    NDArray flat = x.reshape(-1);
    NDArray base = m.arange(0, n, 1, DataType.INT64).reshape(n, 1, 1, 1).mul(c)
        .add(m.arange(0, c, 1, DataType.INT64).reshape(1, c, 1, 1)).mul(h);
    // PyTorch-owned: the products below save them for the backward pass (see GraphScalars)
    NDArray wyA = GraphScalars.owned(m.create(wy, new Shape(n, 1, h, 1)));
    NDArray wxA = GraphScalars.owned(m.create(wx, new Shape(n, 1, 1, w)));
    NDArray[] weightY = {wyA.neg().add(1f), wyA};
    NDArray[] weightX = {wxA.neg().add(1f), wxA};
    NDArray out = null;
    for (int a = 0; a < 2; a++) {
      NDArray rowIndex = base.add(m.create(rows[a], new Shape(n, 1, h, 1))).mul(w);
      for (int bIdx = 0; bIdx < 2; bIdx++) {
        NDArray index = rowIndex.add(m.create(cols[bIdx], new Shape(n, 1, 1, w)));
        // the gathered images come first so the result stays in the images' manager and graph
        NDArray term = flat.get(index.reshape(-1)).reshape(n, c, h, w).mul(weightY[a]).mul(weightX[bIdx]);
        out = out == null ? term : out.add(term);
      }
    }
    return out;
  }

  /**
   * Source coordinate of output position {@code o} when {@code len} crop pixels starting at
   * {@code offset} are stretched to {@code size}: half-pixel centres, clamped to the crop.
   */
  private static void fill(long[][] idx, float[] weight, int slot, int o, int size, int len, int offset) {
    double src = (o + 0.5) * len / size - 0.5;
    src = Math.max(0, Math.min(len - 1, src));
    int lo = (int) Math.floor(src);
    int hi = Math.min(lo + 1, len - 1);
    idx[0][slot] = offset + lo;
    idx[1][slot] = offset + hi;
    weight[slot] = (float) (src - lo);
  }
}
