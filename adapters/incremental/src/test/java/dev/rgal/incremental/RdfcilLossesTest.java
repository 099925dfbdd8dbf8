package dev.rgal.incremental;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** R-DFCIL's relational angle loss and class weights against values computed by hand or by a plain loop. */
class RdfcilLossesTest {
  @Test
  void classWeightsAreInverseCountsScaledToAMinimumOfOne() {
    // total 7: 7/2, 7/1, 7/max(0,1), 7/4 = 3.5, 7, 7, 1.75; divided by 1.75
    assertArrayEquals(new float[] {2, 4, 4, 1}, RdfcilMethod.classWeights(new long[] {2, 1, 0, 4}), 1e-6f);
  }

  @Test
  void angleLossIsZeroUnderRotationAndScaleAndMatchesABruteForceLoop() {
    double[][] u = {{0, 0}, {1, 0}, {0, 1}, {2, 1}};
    double[][] rotatedScaled = new double[u.length][];
    for (int i = 0; i < u.length; i++) {
      // rotate by 90° and scale by 3: angles between difference vectors are unchanged
      rotatedScaled[i] = new double[] {-3 * u[i][1], 3 * u[i][0]};
    }
    double[][] v = {{0, 0}, {1, 1}, {0, 2}, {-1, 0}};
    try (NDManager m = NDManager.newBaseManager()) {
      assertEquals(0, RdfcilMethod.rkdAngle(array(m, u), array(m, rotatedScaled)).getFloat(), 1e-6);
      assertEquals(bruteForce(u, v), RdfcilMethod.rkdAngle(array(m, u), array(m, v)).getFloat(), 1e-6);
    }
  }

  private static NDArray array(NDManager m, double[][] rows) {
    float[] flat = new float[rows.length * 2];
    for (int i = 0; i < rows.length; i++) {
      flat[2 * i] = (float) rows[i][0];
      flat[2 * i + 1] = (float) rows[i][1];
    }
    return m.create(flat, new Shape(rows.length, 2));
  }

  /** mean over (a, b, c) of |cos_u(a, b, c) − cos_v(a, b, c)|, cos 0 where a difference is zero. */
  private static double bruteForce(double[][] u, double[][] v) {
    int n = u.length;
    double sum = 0;
    for (int a = 0; a < n; a++) {
      for (int b = 0; b < n; b++) {
        for (int c = 0; c < n; c++) {
          sum += Math.abs(cos(u, a, b, c) - cos(v, a, b, c));
        }
      }
    }
    return sum / (n * n * n);
  }

  private static double cos(double[][] p, int a, int b, int c) {
    double[] e1 = {p[b][0] - p[a][0], p[b][1] - p[a][1]};
    double[] e2 = {p[c][0] - p[a][0], p[c][1] - p[a][1]};
    double n1 = Math.hypot(e1[0], e1[1]);
    double n2 = Math.hypot(e2[0], e2[1]);
    if (n1 == 0 || n2 == 0) {
      return 0;
    }
    return (e1[0] * e2[0] + e1[1] * e2[1]) / (n1 * n2);
  }
}
