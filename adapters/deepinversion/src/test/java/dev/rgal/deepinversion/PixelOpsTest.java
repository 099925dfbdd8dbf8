package dev.rgal.deepinversion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.rgal.toolkit.train.Adam;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The roll jitter, flip and clamp against plain-Java references. */
class PixelOpsTest {
  static final int N = 2;
  static final int C = 3;
  static final int H = 5;
  static final int W = 7;
  NDManager m;

  @BeforeEach
  void open() {
    m = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    m.close();
  }

  static float[] values(long seed) {
    Random r = new Random(seed);
    float[] v = new float[N * C * H * W];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }

  /** {@code torch.roll(x, (dy, dx), (2, 3))} then an optional flip of the last axis, by index arithmetic. */
  static float[] reference(float[] x, int dy, int dx, boolean flip) {
    float[] out = new float[x.length];
    for (int n = 0; n < N; n++) {
      for (int c = 0; c < C; c++) {
        for (int i = 0; i < H; i++) {
          for (int j = 0; j < W; j++) {
            int jj = flip ? W - 1 - j : j;
            int si = Math.floorMod(i - dy, H);
            int sj = Math.floorMod(jj - dx, W);
            out[((n * C + c) * H + i) * W + j] = x[((n * C + c) * H + si) * W + sj];
          }
        }
      }
    }
    return out;
  }

  @Test
  void rollMatchesTorchRollSemanticsForAnyShift() {
    float[] v = values(1);
    NDArray x = m.create(v, new Shape(N, C, H, W));
    for (int dy : new int[] {0, 1, -2, 4, 6, -11}) {
      for (int dx : new int[] {0, 2, -1, 7, 9}) {
        float[] got = PixelOps.roll(PixelOps.roll(x, dy, 2), dx, 3).toFloatArray();
        assertArrayEquals(reference(v, dy, dx, false), got, "dy=" + dy + " dx=" + dx);
      }
    }
  }

  @Test
  void jitterAndFlipDrawsOffsetsThenFlipFromTheRandomSource() {
    float[] v = values(2);
    NDArray x = m.create(v, new Shape(N, C, H, W));
    int flips = 0;
    for (long seed = 0; seed < 12; seed++) {
      Random expected = new Random(seed);
      int dy = expected.nextInt(5) - 2;
      int dx = expected.nextInt(5) - 2;
      boolean flip = expected.nextBoolean();
      flips += flip ? 1 : 0;
      float[] got = PixelOps.jitterAndFlip(x, 2, true, new Random(seed)).toFloatArray();
      assertArrayEquals(reference(v, dy, dx, flip), got, "seed " + seed);
    }
    assertTrue(flips > 0 && flips < 12, "both flipped and unflipped batches occur: " + flips);
    assertArrayEquals(v, PixelOps.jitterAndFlip(x, 0, false, new Random(3)).toFloatArray(), "no-op settings");
  }

  @Test
  void gradientFlowsBackThroughRollAndFlip() {
    float[] v = values(4);
    float[] w = values(5);
    NDArray x = m.create(v, new Shape(N, C, H, W));
    x.setRequiresGradient(true);
    NDArray weights = m.create(w, new Shape(N, C, H, W));
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray out = PixelOps.jitterAndFlip(x, 2, true, new Random(7));
      gc.backward(out.mul(weights).sum());
    }
    // d/dx Σ w·P(x) = Pᵀ w: each input pixel receives the weight of the output position it moved to
    Random again = new Random(7);
    int ry = again.nextInt(5) - 2;
    int rx = again.nextInt(5) - 2;
    boolean flip = again.nextBoolean();
    assertTrue(ry != 0 || rx != 0 || flip, "seed 7 must move something for the test to bite");
    float[] moved = reference(iota(), ry, rx, flip);
    float[] expected = new float[v.length];
    for (int k = 0; k < moved.length; k++) {
      expected[(int) moved[k]] = w[k];
    }
    assertArrayEquals(expected, x.getGradient().toFloatArray(), 1e-6f);
  }

  private static float[] iota() {
    float[] a = new float[N * C * H * W];
    for (int i = 0; i < a.length; i++) {
      a[i] = i;
    }
    return a;
  }

  @Test
  void clampKeepsEveryChannelInItsValidRangeInPlace() {
    List<Double> mean = List.of(0.2860, 0.5, 0.1);
    List<Double> std = List.of(0.3530, 0.25, 0.5);
    NDArray[] range = PixelOps.validRange(mean, std, m);
    assertArrayEquals(new float[] {(float) (-0.2860 / 0.3530), -2f, -0.2f}, range[0].toFloatArray(), 1e-6f);
    assertArrayEquals(new float[] {(float) (0.7140 / 0.3530), 2f, 1.8f}, range[1].toFloatArray(), 1e-6f);
    NDArray x = m.randomNormal(0, 3, new Shape(N, C, H, W), ai.djl.ndarray.types.DataType.FLOAT32);
    x.setRequiresGradient(true);
    float[] before = x.toFloatArray();
    try (Adam adam = Adam.of(List.of(new Adam.Group(List.of(x), 0.1)), 0.5, 0.999, m)) {
      PixelOps.clampInPlace(x, range[0], range[1]);
      float[] after = x.toFloatArray();
      float[] lo = range[0].toFloatArray();
      float[] hi = range[1].toFloatArray();
      int inside = 0;
      int clamped = 0;
      for (int k = 0; k < after.length; k++) {
        int c = (k / (H * W)) % C;
        assertTrue(after[k] >= lo[c] && after[k] <= hi[c], "pixel " + k + " = " + after[k]);
        if (before[k] >= lo[c] && before[k] <= hi[c]) {
          assertEquals(before[k], after[k], 0f, "in-range pixels are untouched");
          inside++;
        } else {
          assertEquals(before[k] < lo[c] ? lo[c] : hi[c], after[k], 0f, "out-of-range pixels go to the bound");
          clamped++;
        }
      }
      assertTrue(inside > 0 && clamped > 0, inside + " inside, " + clamped + " clamped");
      // the same leaf still trains: the optimiser that holds it takes a step after the clamp
      assertTrue(x.hasGradient());
      assertSame(x, adam.weights().get(0));
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(x.sum());
      }
      adam.step();
      float[] stepped = x.toFloatArray();
      for (int k = 0; k < stepped.length; k++) {
        assertEquals(after[k] - 0.1f, stepped[k], 1e-4f, "Adam's first step moves every pixel by lr");
      }
    }
  }
}
