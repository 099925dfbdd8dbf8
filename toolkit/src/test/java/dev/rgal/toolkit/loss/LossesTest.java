package dev.rgal.toolkit.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.rgal.api.model.BnStatistics;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Each loss against a plain double-precision computation of its formula. */
class LossesTest {
  private static final Random R = new Random(7);

  private static double[][] rand(int n, int k, double scale) {
    double[][] a = new double[n][k];
    for (double[] row : a) {
      for (int j = 0; j < k; j++) {
        row[j] = R.nextGaussian() * scale;
      }
    }
    return a;
  }

  private static NDArray nd(NDManager m, double[][] a) {
    float[] f = new float[a.length * a[0].length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[0].length; j++) {
        f[i * a[0].length + j] = (float) a[i][j];
      }
    }
    return m.create(f, new Shape(a.length, a[0].length));
  }

  private static double[] softmax(double[] z, double t) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      max = Math.max(max, v / t);
    }
    double sum = 0;
    double[] p = new double[z.length];
    for (int i = 0; i < z.length; i++) {
      p[i] = Math.exp(z[i] / t - max);
      sum += p[i];
    }
    for (int i = 0; i < z.length; i++) {
      p[i] /= sum;
    }
    return p;
  }

  private static double kl(double[] p, double[] q) {
    double s = 0;
    for (int i = 0; i < p.length; i++) {
      s += p[i] * (Math.log(p[i]) - Math.log(q[i]));
    }
    return s;
  }

  private static int argmax(double[] z) {
    int best = 0;
    for (int i = 1; i < z.length; i++) {
      if (z[i] > z[best]) {
        best = i;
      }
    }
    return best;
  }

  @Test
  void kdIsTemperatureSquaredTimesBatchMeanKl() {
    double[][] s = rand(6, 5, 3);
    double[][] t = rand(6, 5, 3);
    double expected = 0;
    for (int i = 0; i < 6; i++) {
      expected += kl(softmax(t[i], 20), softmax(s[i], 20));
    }
    expected = expected / 6 * 400;
    try (NDManager m = NDManager.newBaseManager()) {
      assertEquals(expected, Losses.kd(nd(m, s), nd(m, t), 20).getFloat(), 1e-5 * Math.max(1, expected));
    }
  }

  @Test
  void adversarialCountsOnlyAgreeingSamplesButDividesByN() {
    double[][] s = rand(8, 4, 2);
    double[][] t = rand(8, 4, 2);
    t[0] = s[0].clone(); // force at least one agreement
    double expected = 0;
    int agreeing = 0;
    for (int i = 0; i < 8; i++) {
      if (argmax(s[i]) == argmax(t[i])) {
        expected += kl(softmax(t[i], 1), softmax(s[i], 1));
        agreeing++;
      }
    }
    expected = -expected / 8;
    assertTrue(agreeing > 0 && agreeing < 8, "test data should mix agreeing and disagreeing rows");
    try (NDManager m = NDManager.newBaseManager()) {
      assertEquals(expected, Losses.adversarial(nd(m, s), nd(m, t)).getFloat(), 1e-5);
    }
  }

  @Test
  void crossEntropyMatchesNegativeLogSoftmaxOfTarget() {
    double[][] z = rand(5, 7, 2);
    int[] y = {0, 3, 6, 2, 2};
    double expected = 0;
    for (int i = 0; i < 5; i++) {
      expected -= Math.log(softmax(z[i], 1)[y[i]]);
    }
    expected /= 5;
    try (NDManager m = NDManager.newBaseManager()) {
      assertEquals(expected, Losses.crossEntropy(nd(m, z), m.create(y)).getFloat(), 1e-5);
    }
  }

  @Test
  void bnStatisticsSumsUnsquaredNormsAndBackpropagates() {
    try (NDManager m = NDManager.newBaseManager()) {
      double[][] rm = rand(1, 4, 1);
      double[][] bm = rand(1, 4, 1);
      double[][] rv = rand(1, 4, 1);
      double[][] bv = rand(1, 4, 1);
      double expected = 0;
      double a = 0;
      double b = 0;
      for (int c = 0; c < 4; c++) {
        a += Math.pow(rm[0][c] - bm[0][c], 2);
        b += Math.pow(rv[0][c] - bv[0][c], 2);
      }
      expected = 2 * (Math.sqrt(a) + Math.sqrt(b));
      NDArray batchMean = nd(m, bm).reshape(4);
      batchMean.setRequiresGradient(true);
      BnStatistics layer = new BnStatistics("bn", nd(m, rm).reshape(4), nd(m, rv).reshape(4), batchMean, nd(m, bv).reshape(4), m.zeros(new Shape(1, 4)), m.zeros(new Shape(1, 4)));
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray loss = Losses.bnStatistics(List.of(layer, layer));
        assertEquals(expected, loss.getFloat(), 1e-5);
        gc.backward(loss);
      }
      assertTrue(batchMean.getGradient().abs().sum().getFloat() > 0);
    }
  }

  @Test
  void totalVariationUsesFourDirections() {
    try (NDManager m = NDManager.newBaseManager()) {
      int h = 4;
      int w = 5;
      float[] px = new float[2 * h * w];
      for (int i = 0; i < px.length; i++) {
        px[i] = (float) R.nextGaussian();
      }
      NDArray x = m.create(px, new Shape(1, 2, h, w));
      int[][] dirs = {{0, 1}, {1, 0}, {-1, 1}, {1, 1}};
      double l1 = 0;
      double l2 = 0;
      for (int[] d : dirs) {
        double abs = 0;
        double sq = 0;
        int count = 0;
        for (int c = 0; c < 2; c++) {
          for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
              int i2 = i + d[0];
              int j2 = j + d[1];
              if (i2 < 0 || i2 >= h || j2 >= w) {
                continue;
              }
              double diff = px[(c * h + i) * w + j] - px[(c * h + i2) * w + j2];
              abs += Math.abs(diff);
              sq += diff * diff;
              count++;
            }
          }
        }
        l1 += abs / count;
        l2 += Math.sqrt(sq);
      }
      assertEquals(l1, Losses.totalVariation(x, false).getFloat(), 1e-4);
      assertEquals(l2, Losses.totalVariation(x, true).getFloat(), 1e-4);
    }
  }

  @Test
  void adiCompetitionIsHalfReverseKlOnClampedProbabilities() {
    double[][] s = rand(4, 3, 4);
    double[][] t = rand(4, 3, 4);
    double expected = 0;
    for (int i = 0; i < 4; i++) {
      double[] p = softmax(s[i], 3);
      double[] q = softmax(t[i], 3);
      double[] mm = new double[3];
      for (int c = 0; c < 3; c++) {
        mm[c] = clamp((p[c] + q[c]) / 2);
        p[c] = clamp(p[c]);
        q[c] = clamp(q[c]);
      }
      expected += 0.5 * kl(mm, p) + 0.5 * kl(mm, q);
    }
    expected /= 4;
    try (NDManager m = NDManager.newBaseManager()) {
      assertEquals(expected, Losses.adiCompetition(nd(m, s), nd(m, t)).getFloat(), 1e-5);
    }
  }

  private static double clamp(double v) {
    return Math.max(0.01, Math.min(0.99, v));
  }

  @Test
  void imagePriorsHaveFiniteGradientsOnAConstantImage() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.zeros(new Shape(2, 1, 4, 4));
      x.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(Losses.totalVariation(x, true).add(Losses.l2(x)));
      }
      float[] g = x.getGradient().toFloatArray();
      for (float v : g) {
        assertTrue(Float.isFinite(v), "gradient of TV-L2 and L2 at a saturated image must be finite");
      }
    }
  }
}
