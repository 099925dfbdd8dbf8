package dev.rgal.rgal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Degenerate batches, structural properties and the memory contract of the relation loss. */
class RelationLossEdgeCaseTest extends TorchTest {

  private static NDArray randn(NDManager m, Random r, int... dims) {
    Shape s = new Shape(java.util.Arrays.stream(dims).mapToLong(i -> i).toArray());
    float[] v = new float[Math.toIntExact(s.size())];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return m.create(v, s);
  }

  private static NDArray labels(NDManager m, long... ids) {
    return m.create(ids);
  }

  private static RelationLoss loss(NegativeSampler sampler) {
    return RelationLoss.builder().sampler(sampler).draws(NegativeDraws.categorical(7)).build();
  }

  @ParameterizedTest
  @EnumSource(SamplerPrecision.class)
  void noSameLabelPairGivesExactZeroThatStillBackpropagates(SamplerPrecision precision) {
    try (NDManager m = root.newSubManager()) {
      Random r = new Random(1);
      NDArray f = randn(m, r, 5, 3, 2, 2);
      f.setRequiresGradient(true);
      NDArray logits = randn(m, r, 5, 4);
      NDArray y = labels(m, 0, 1, 2, 3, 4);
      RelationLossResult res;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        res = loss(NegativeSampler.focal(precision)).compute(List.of(f), logits, y);
        gc.backward(res.loss().add(f.sum().mul(0.5))); // added to another term
      }
      assertEquals(0, res.tripletCount());
      assertEquals(new Shape(), res.loss().getShape());
      assertEquals(0.0f, res.loss().getFloat());
      assertEquals(new Shape(0), res.perTripletLoss().getShape());
      assertEquals(new Shape(0, 5), res.sampling().probRows().getShape());
      // Only the added term reaches the features: the relation loss contributes exactly zero.
      float[] g = f.getGradient().toFloatArray();
      for (float v : g) {
        assertEquals(0.5f, v);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(NegativeSampler.Kind.class)
  void singleClassBatchSkipsEveryAnchor(NegativeSampler.Kind kind) {
    try (NDManager m = root.newSubManager()) {
      Random r = new Random(2);
      NDArray f = randn(m, r, 6, 8);
      f.setRequiresGradient(true);
      NDArray y = labels(m, 3, 3, 3, 3, 3, 3);
      RelationLossResult res;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        res =
            loss(NegativeSampler.of(kind, SamplerPrecision.REPRODUCE_FLOAT32))
                .compute(List.of(f), randn(m, r, 6, 10), y);
        gc.backward(res.loss());
      }
      assertEquals(0, res.tripletCount(), "no anchor has a different-label sample");
      assertEquals(0.0f, res.loss().getFloat());
      Sampling s = res.sampling();
      boolean[] fb = s.fallbackRows().toBooleanArray();
      for (boolean b : fb) {
        assertTrue(b);
      }
      // Rows without any negative stay all zero instead of 0/0 = NaN.
      for (double p : s.probabilities().toType(DataType.FLOAT64, false).toDoubleArray()) {
        assertEquals(0.0, p);
      }
      for (float v : f.getGradient().toFloatArray()) {
        assertEquals(0.0f, v);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(SamplerPrecision.class)
  void antipodalEmbeddingsGiveFiniteProbabilitiesAndLoss(SamplerPrecision precision) {
    for (NegativeSampler.Kind kind : NegativeSampler.Kind.values()) {
      try (NDManager m = root.newSubManager()) {
        // Rows 0/1 and 2/3 are exact antipodes (d = 2, ln(1 − q²/4) = ln 0) across labels.
        float[] v = {1, 2, -1, 0.5f, 3, -2, 1, 0};
        float[] e = new float[4 * 8];
        for (int k = 0; k < 8; k++) {
          e[k] = v[k];
          e[8 + k] = v[k] * 2;
          e[16 + k] = -v[k];
          e[24 + k] = -v[k] * 3;
        }
        NDArray logits = m.create(e, new Shape(4, 8));
        NDArray y = labels(m, 0, 0, 1, 1);
        NDArray f = randn(m, new Random(3), 4, 5);
        f.setRequiresGradient(true);
        RelationLossResult res;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          res =
              loss(NegativeSampler.of(kind, precision))
                  .compute(List.of(f), logits, y, NegativeDraws.categorical(5));
          gc.backward(res.loss());
        }
        Sampling s = res.sampling();
        assertEquals(4, res.tripletCount());
        assertAllFinite(kind + " logw", s.logWeight());
        assertAllFinite(kind + " prob", s.probabilities());
        assertAllFinite(kind + " loss", res.loss());
        assertAllFinite(kind + " grad", f.getGradient());
        // The only negatives are antipodal (outside every window): uniform fallback on them.
        double[] p = s.probRows().toType(DataType.FLOAT64, false).toDoubleArray();
        assertArrayEquals(new double[] {0, 0, 0.5, 0.5}, java.util.Arrays.copyOf(p, 4), 1e-12);
        long[] yArr = {0, 0, 1, 1};
        long[] a = s.anchors().toLongArray();
        long[] n = s.negatives().toLongArray();
        for (int i = 0; i < a.length; i++) {
          assertNotEquals(yArr[(int) a[i]], yArr[(int) n[i]]);
        }
      }
    }
  }

  private static void assertAllFinite(String what, NDArray a) {
    for (double d : a.toType(DataType.FLOAT64, false).toDoubleArray()) {
      assertTrue(Double.isFinite(d), what + " has a non-finite value");
    }
  }

  @ParameterizedTest
  @EnumSource(NegativeSampler.Kind.class)
  void realisticBatchRespectsPairsLabelsAndWindows(NegativeSampler.Kind kind) {
    int n = 256;
    int classes = 10;
    try (NDManager m = root.newSubManager()) {
      Random r = new Random(11);
      long[] y = new long[n];
      int[] counts = new int[classes];
      for (int i = 0; i < n; i++) {
        y[i] = r.nextInt(classes);
        counts[(int) y[i]]++;
      }
      NDArray logits = randn(m, r, n, classes).mul(3);
      Sampling s =
          NegativeSampler.of(kind, SamplerPrecision.REPRODUCE_FLOAT32)
              .sample(logits, m.create(y), NegativeDraws.categorical(3));
      long expectedPairs = 0;
      for (int c : counts) {
        expectedPairs += (long) c * (c - 1);
      }
      assertEquals(expectedPairs, s.pairCount());
      long[] a = s.anchors().toLongArray();
      long[] p = s.partners().toLongArray();
      long[] neg = s.negatives().toLongArray();
      boolean[] fallback = s.fallbackRows().toBooleanArray();
      double[] dist = s.dist().toType(DataType.FLOAT64, false).toDoubleArray();
      double[] prob = s.probRows().toType(DataType.FLOAT64, false).toDoubleArray();
      long prevKey = -1;
      for (int t = 0; t < a.length; t++) {
        long key = a[t] * n + p[t];
        assertTrue(key > prevKey, "row-major order");
        prevKey = key;
        assertNotEquals(a[t], p[t]);
        assertEquals(y[(int) a[t]], y[(int) p[t]]);
        assertNotEquals(y[(int) a[t]], y[(int) neg[t]], "negative has a different label");
        assertTrue(prob[(int) (t * n + neg[t])] > 0, "drawn index has probability > 0");
        double d = dist[(int) (a[t] * n + neg[t])];
        if (!fallback[(int) a[t]]) {
          if (kind == NegativeSampler.Kind.FOCAL) {
            assertTrue(d > 0.5 && d < 1.0, "focal window");
          } else {
            assertTrue(d < 1.4, "distance window");
          }
        }
      }
      // Every probability row is a distribution.
      double[] rowSums = s.probRows().sum(new int[] {1}).toType(DataType.FLOAT64, false)
          .toDoubleArray();
      for (double rs : rowSums) {
        assertEquals(1.0, rs, 1e-5);
      }
    }
  }

  @Test
  void convenienceLossMatchesComputeAndStillBackpropagates() {
    try (NDManager m = root.newSubManager()) {
      Random r = new Random(4);
      NDArray f1 = randn(m, r, 12, 6);
      NDArray f2 = randn(m, r, 12, 4, 3, 3);
      NDArray logits = randn(m, r, 12, 5);
      NDArray y = labels(m, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2);
      RelationLoss loss =
          RelationLoss.builder()
              .sampler(NegativeSampler.focal())
              .direction(TripletDirection.PAPER)
              .build();
      long[] drawn =
          loss.compute(List.of(f1, f2), logits, y, NegativeDraws.categorical(9))
              .negatives()
              .toLongArray();

      f1.setRequiresGradient(true);
      f2.setRequiresGradient(true);
      float full;
      float[] g1;
      float[] g2;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        RelationLossResult res =
            loss.compute(List.of(f1, f2), logits, y, NegativeDraws.recorded(drawn));
        full = res.loss().getFloat();
        gc.backward(res.loss());
      }
      g1 = f1.getGradient().toFloatArray();
      g2 = f2.getGradient().toFloatArray();
      // Fresh leaves: gradients accumulate across backward calls.
      NDArray h1 = f1.duplicate();
      NDArray h2 = f2.duplicate();
      h1.setRequiresGradient(true);
      h2.setRequiresGradient(true);
      float quick;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray l = loss.loss(List.of(h1, h2), logits, y, NegativeDraws.recorded(drawn));
        quick = l.getFloat();
        assertEquals(h1.getManager(), l.getManager(), "loss lives with the features");
        gc.backward(l);
      }
      assertTrue(full > 0);
      assertEquals(full, quick, 0f);
      assertArrayEquals(g1, h1.getGradient().toFloatArray(), 0f);
      assertArrayEquals(g2, h2.getGradient().toFloatArray(), 0f);
      // Inputs are back in their own manager and untouched.
      assertEquals(m, logits.getManager());
      assertEquals(m, y.getManager());
      assertFalse(logits.isReleased());
    }
  }

  @Test
  void samplerEmbeddingMayBeTheFeatureItself() {
    // The same NDArray in two roles must not confuse the temporary-manager bookkeeping.
    try (NDManager m = root.newSubManager()) {
      NDArray f = randn(m, new Random(8), 8, 6);
      NDArray y = labels(m, 0, 0, 1, 1, 2, 2, 3, 3);
      NDArray l = RelationLoss.forStudent(1).loss(List.of(f, f), f, y);
      assertTrue(Float.isFinite(l.getFloat()));
      assertEquals(m, f.getManager());
      assertFalse(f.isReleased());
    }
  }

  @Test
  void noGradientReachesTheSamplerEmbeddings() {
    try (NDManager m = root.newSubManager()) {
      Random r = new Random(6);
      NDArray f = randn(m, r, 10, 4);
      NDArray logits = randn(m, r, 10, 3);
      f.setRequiresGradient(true);
      logits.setRequiresGradient(true);
      NDArray y = labels(m, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(RelationLoss.forStudent(2).loss(List.of(f), logits, y));
      }
      for (float g : logits.getGradient().toFloatArray()) {
        assertEquals(0f, g);
      }
      double sumAbs = 0;
      for (float g : f.getGradient().toFloatArray()) {
        sumAbs += Math.abs(g);
      }
      assertTrue(sumAbs > 0, "the features do get a gradient");
    }
  }

  @Test
  void rejectsBadShapes() {
    try (NDManager m = root.newSubManager()) {
      NDArray y = labels(m, 0, 0, 1);
      RelationLoss loss = RelationLoss.forStudent(1);
      assertThrows(
          IllegalArgumentException.class,
          () -> loss.loss(List.of(m.ones(new Shape(3, 2, 2))), m.ones(new Shape(3, 4)), y));
      assertThrows(
          IllegalArgumentException.class,
          () -> loss.loss(List.of(m.ones(new Shape(4, 2))), m.ones(new Shape(3, 4)), y));
      assertThrows(
          IllegalArgumentException.class, () -> loss.loss(List.of(), m.ones(new Shape(3, 4)), y));
      assertThrows(IllegalArgumentException.class, () -> RelationLoss.builder().margin(-1));
    }
  }
}
