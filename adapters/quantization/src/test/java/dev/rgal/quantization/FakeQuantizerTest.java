package dev.rgal.quantization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The quantizer of spec §1.1 against hand-worked values and a direct float32 computation. */
class FakeQuantizerTest {

  /** Spec §1.1 in Java float32, one rounding per operation as the tensor code does. */
  static float direct(float x, float a, float b, int k) {
    float n = (1 << k) - 1;
    float s = n / Math.max(b - a, 1e-8f);
    float z = (float) Math.rint(s * a) + (1 << (k - 1));
    float q = (float) Math.rint(s * x - z);
    q = Math.max(-(1 << (k - 1)), Math.min((1 << (k - 1)) - 1, q));
    return (q + z) / s;
  }

  @Test
  void scaleAndZeroPointFollowTheSpec() {
    try (NDManager m = NDManager.newBaseManager()) {
      // k = 4 over [-1, 2]: n = 15, s = 15/3 = 5 levels per unit, z = round(-5) + 8 = 3
      FakeQuantizer.Grid g = FakeQuantizer.grid(m.create(-1f), m.create(2f), 4);
      assertEquals(5f, g.scale().getFloat());
      assertEquals(3f, g.zeroPoint().getFloat());
      // k = 8 over [0, 1]: s = 255, z = 128; 0.5 -> round(127.5 - 128) = round(-0.5) = -0 -> 128/255
      FakeQuantizer.Grid g8 = FakeQuantizer.grid(m.create(0f), m.create(1f), 8);
      assertEquals(255f, g8.scale().getFloat());
      assertEquals(128f, g8.zeroPoint().getFloat());
      assertEquals(128f / 255f, FakeQuantizer.fakeQuantize(m.create(new float[] {0.5f}), g8).getFloat(0));
    }
  }

  @Test
  void roundsHalfToEvenAndClamps() {
    try (NDManager m = NDManager.newBaseManager()) {
      // k = 2 over [0, 3]: s = 1, z = 2, q = clamp(round(x - 2), -2, 1), x̂ = q + 2 (worked by hand)
      FakeQuantizer.Grid g = FakeQuantizer.grid(m.create(0f), m.create(3f), 2);
      float[] x = {0.5f, 1.5f, 2.5f, 1.0f, 10f, -5f, 2.4f, 3.5f};
      float[] codes = {-2, -0f, 0, -1, 1, -2, 0, 1}; // round(-0.5) is -0 (half to even keeps the sign)
      float[] expected = {0, 2, 2, 1, 3, 0, 2, 3};
      NDArray in = m.create(x);
      assertArrayEquals(codes, FakeQuantizer.codes(in, g).toFloatArray());
      assertArrayEquals(expected, FakeQuantizer.fakeQuantize(in, g).toFloatArray());
    }
  }

  @Test
  void matchesTheDirectComputationBitForBit() {
    Random r = new Random(11);
    try (NDManager m = NDManager.newBaseManager()) {
      for (int k = 2; k <= 8; k++) {
        float a = -r.nextFloat();
        float b = 0.1f + 3 * r.nextFloat();
        float[] x = new float[2000];
        for (int i = 0; i < x.length; i++) {
          x[i] = (float) (r.nextGaussian() * 2);
        }
        FakeQuantizer.Grid g = FakeQuantizer.grid(m.create(a), m.create(b), k);
        float[] got = FakeQuantizer.fakeQuantize(m.create(x), g).toFloatArray();
        for (int i = 0; i < x.length; i++) {
          assertEquals(Float.floatToIntBits(direct(x[i], a, b, k)), Float.floatToIntBits(got[i]),
              "k=" + k + " x=" + x[i]);
        }
      }
      // a degenerate range [a, a] uses width 1e-8, as the spec's max(b - a, 1e-8)
      FakeQuantizer.Grid flat = FakeQuantizer.grid(m.create(0f), m.create(0f), 4);
      assertArrayEquals(new float[] {direct(0f, 0f, 0f, 4), direct(1f, 0f, 0f, 4)},
          FakeQuantizer.fakeQuantize(m.create(new float[] {0f, 1f}), flat).toFloatArray());
    }
  }

  @Test
  void weightQuantizerIsPerOutputChannelMinMax() {
    Random r = new Random(5);
    try (NDManager m = NDManager.newBaseManager()) {
      for (Shape shape : new Shape[] {new Shape(4, 3, 2, 2), new Shape(5, 7)}) {
        int c = (int) shape.get(0);
        int per = (int) (shape.size() / c);
        float[] w = new float[(int) shape.size()];
        for (int i = 0; i < w.length; i++) {
          w[i] = (float) (r.nextGaussian() * (1 + i / per)); // a different spread per channel
        }
        NDArray out = new WeightQuantizer("l", 3).apply(m.create(w, shape), m);
        assertEquals(shape, out.getShape());
        float[] got = out.toFloatArray();
        for (int ch = 0; ch < c; ch++) {
          float lo = Float.POSITIVE_INFINITY;
          float hi = Float.NEGATIVE_INFINITY;
          for (int j = 0; j < per; j++) {
            lo = Math.min(lo, w[ch * per + j]);
            hi = Math.max(hi, w[ch * per + j]);
          }
          for (int j = 0; j < per; j++) {
            int i = ch * per + j;
            assertEquals(Float.floatToIntBits(direct(w[i], lo, hi, 3)), Float.floatToIntBits(got[i]), "channel " + ch);
          }
        }
      }
    }
  }

  @Test
  void straightThroughPassesTheGradientUnchangedEvenWhereClipped() {
    try (NDManager m = NDManager.newBaseManager()) {
      float[] xs = {-3f, -0.2f, 0.3f, 0.77f, 1.4f, 9f}; // -3 and 9 lie outside [-1, 2]
      float[] gs = {0.5f, -1f, 2f, 3f, -0.25f, 7f};
      NDArray x = m.create(xs);
      x.setRequiresGradient(true);
      NDArray g = m.create(gs);
      FakeQuantizer.Grid grid = FakeQuantizer.grid(m.create(-1f), m.create(2f), 3);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray q = FakeQuantizer.fakeQuantize(x.stopGradient(), grid);
        NDArray y = FakeQuantizer.straightThrough(x, q);
        float[] value = y.toFloatArray();
        for (int i = 0; i < xs.length; i++) {
          assertEquals(Float.floatToIntBits(direct(xs[i], -1f, 2f, 3)), Float.floatToIntBits(value[i]));
        }
        gc.backward(y.mul(g).sum());
      }
      assertArrayEquals(gs, x.getGradient().toFloatArray());
    }
  }
}
