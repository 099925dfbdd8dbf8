package dev.rgal.cmi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.rgal.toolkit.graph.NoGrad;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The contrastive loss and its gradients on small hand-made tensors, against plain doubles. */
class ContrastiveLossTest {
  // head 3 → 3 → 2
  static final double[][] W1 = {{0.5, -0.2, 0.1}, {0.3, 0.8, -0.5}, {-0.4, 0.2, 0.9}};
  static final double[] B1 = {0.05, -0.1, 0.2};
  static final double[][] W2 = {{0.7, -0.3, 0.2}, {-0.1, 0.6, 0.4}};
  static final double[] B2 = {0.1, -0.05};
  // two current instances and two cached ones
  static final double[][] LOCAL = {{1.0, 0.2, -0.3}, {0.1, -0.7, 0.9}};
  static final double[][] GLOBAL = {{0.8, 0.4, -0.1}, {0.3, -0.5, 0.6}};
  static final double[][] CACHED = { // [f_local | f_global]
    {-0.2, 0.5, 0.7, -0.1, 0.6, 0.9},
    {0.9, 0.9, -0.4, 0.7, 1.1, -0.2},
  };
  static final double TAU = 0.1;

  NDManager m;
  ProjectionHead head;

  @BeforeEach
  void setUp() {
    m = NDManager.newBaseManager();
    head = new ProjectionHead(3, 2, m);
    NoGrad.run(() -> {
      head.parameters().get(0).getArray().set(floats(W1));
      head.parameters().get(1).getArray().set(floats(B1));
      head.parameters().get(2).getArray().set(floats(W2));
      head.parameters().get(3).getArray().set(floats(B2));
    });
  }

  @AfterEach
  void tearDown() {
    m.close();
  }

  @Test
  void lossWithCachedRowsIsTheSumOfTwoMeanCrossEntropies() {
    double expected = expected(LOCAL, GLOBAL, CACHED);
    try (NDManager scope = m.newSubManager()) {
      NDArray loss = ContrastiveTerm.contrastive(head, arr(scope, LOCAL), arr(scope, GLOBAL), arr(scope, CACHED), TAU);
      assertEquals(expected, loss.getFloat(), 1e-4 * Math.abs(expected) + 1e-5);
      assertEquals(scope, loss.getManager(), "the loss lives in the features' manager, not the head's");
    }
  }

  @Test
  void lossWithAnEmptyBankIsOnePlainMean() {
    double expected = expected(LOCAL, GLOBAL, new double[0][]);
    try (NDManager scope = m.newSubManager()) {
      NDArray loss = ContrastiveTerm.contrastive(head, arr(scope, LOCAL), arr(scope, GLOBAL), null, TAU);
      assertEquals(expected, loss.getFloat(), 1e-4 * Math.abs(expected) + 1e-5);
    }
  }

  @Test
  void gradientReachesTheHeadAndTheLocalViewButNotTheGlobalView() {
    try (NDManager scope = m.newSubManager()) {
      NDArray local = arr(scope, LOCAL);
      NDArray global = arr(scope, GLOBAL);
      local.setRequiresGradient(true);
      global.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(ContrastiveTerm.contrastive(head, local, global, arr(scope, CACHED), TAU));
      }
      assertTrue(absSum(local.getGradient()) > 1e-6, "local view gets gradient");
      assertEquals(0.0, absSum(global.getGradient()), 0.0, "global branch is detached");
      for (var p : head.parameters()) {
        assertTrue(absSum(p.getArray().getGradient()) > 1e-8, p.getName() + " gets gradient");
      }
    }
  }

  private static double absSum(NDArray a) {
    double s = 0;
    for (float v : a.toFloatArray()) {
      s += Math.abs(v);
    }
    return s;
  }

  /** The reference computation in doubles. */
  static double expected(double[][] local, double[][] global, double[][] cached) {
    int n = local.length;
    int k = cached.length;
    int d = local[0].length;
    double[][] a = new double[n + k][];
    double[][] b = new double[n + k][];
    for (int i = 0; i < n; i++) {
      a[i] = project(local[i]);
      b[i] = project(global[i]);
    }
    for (int i = 0; i < k; i++) {
      a[n + i] = project(java.util.Arrays.copyOfRange(cached[i], 0, d));
      b[n + i] = project(java.util.Arrays.copyOfRange(cached[i], d, 2 * d));
    }
    double[] ce = new double[n + k];
    for (int i = 0; i < n + k; i++) {
      double[] logits = new double[n + k];
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < n + k; j++) {
        logits[j] = dot(a[i], b[j]) / TAU;
        max = Math.max(max, logits[j]);
      }
      double sum = 0;
      for (double l : logits) {
        sum += Math.exp(l - max);
      }
      ce[i] = max + Math.log(sum) - logits[i];
    }
    if (k == 0) {
      return mean(ce, 0, n);
    }
    return mean(ce, 0, n) + mean(ce, n, n + k);
  }

  static double[] project(double[] f) {
    double[] h = new double[W1.length];
    for (int o = 0; o < h.length; o++) {
      h[o] = Math.max(0, dot(W1[o], f) + B1[o]);
    }
    double[] z = new double[W2.length];
    double norm = 0;
    for (int o = 0; o < z.length; o++) {
      z[o] = dot(W2[o], h) + B2[o];
      norm += z[o] * z[o];
    }
    norm = Math.sqrt(norm);
    for (int o = 0; o < z.length; o++) {
      z[o] /= norm;
    }
    return z;
  }

  private static double dot(double[] x, double[] y) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += x[i] * y[i];
    }
    return s;
  }

  private static double mean(double[] v, int from, int to) {
    double s = 0;
    for (int i = from; i < to; i++) {
      s += v[i];
    }
    return s / (to - from);
  }

  static float[] floats(double[]... rows) {
    int cols = rows[0].length;
    float[] out = new float[rows.length * cols];
    for (int i = 0; i < rows.length; i++) {
      for (int j = 0; j < cols; j++) {
        out[i * cols + j] = (float) rows[i][j];
      }
    }
    return out;
  }

  private static float[] floats(double[] row) {
    float[] out = new float[row.length];
    for (int i = 0; i < row.length; i++) {
      out[i] = (float) row[i];
    }
    return out;
  }

  static NDArray arr(NDManager m, double[][] rows) {
    return m.create(floats(rows), new Shape(rows.length, rows[0].length));
  }
}
