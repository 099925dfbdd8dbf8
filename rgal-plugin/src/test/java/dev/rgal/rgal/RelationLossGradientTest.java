package dev.rgal.rgal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The closed-form triplet gradient against plain autograd over gathered rows (the textbook
 * form of spec §4.3), on batches far larger than the conformance vectors: unbalanced labels, a
 * 4-D and a 2-D layer, identical rows (paired views that came out equal) and an all-zero row.
 */
class RelationLossGradientTest extends TorchTest {

  @ParameterizedTest
  @EnumSource(TripletDirection.class)
  void closedFormMatchesAutogradOverGatheredRows(TripletDirection direction) {
    int n = 96;
    Random r = new Random(direction.ordinal() + 5);
    long[] y = new long[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % 5 < 3 ? 0 : 1 + r.nextInt(4); // 60% one class
    }
    try (NDManager m = root.newSubManager()) {
      float[] a = gaussian(r, n * 8 * 2 * 2);
      float[] b = gaussian(r, n * 12);
      System.arraycopy(b, 0, b, 12, 12); // rows 0 and 1 identical in layer 2
      java.util.Arrays.fill(b, 2 * 12, 3 * 12, 0f); // row 2 all zero in layer 2
      NDArray logits = m.randomNormal(new Shape(n, 6));
      NDArray labels = m.create(y);
      long[] drawn;
      RelationLoss loss = RelationLoss.builder().direction(direction).build();
      NDArray f1 = m.create(a, new Shape(n, 8, 2, 2));
      NDArray f2 = m.create(b, new Shape(n, 12));
      f1.setRequiresGradient(true);
      f2.setRequiresGradient(true);
      RelationLossResult res;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        res = loss.compute(List.of(f1, f2), logits, labels, NegativeDraws.categorical(3));
        gc.backward(res.loss());
      }
      drawn = res.sampling().negatives().toLongArray();
      assertTrue(res.tripletCount() > 2000, "many triplets: " + res.tripletCount());

      NDArray g1 = m.create(a, new Shape(n, 8, 2, 2));
      NDArray g2 = m.create(b, new Shape(n, 12));
      g1.setRequiresGradient(true);
      g2.setRequiresGradient(true);
      NDArray reference;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        reference =
            autogradReference(
                List.of(g1.reshape(n, 8, 4).mean(new int[] {2}), g2), res.anchors(), res.positives(),
                res.negatives(), loss.margin());
        gc.backward(reference);
      }
      assertEquals(reference.getFloat(), res.loss().getFloat(), 1e-5, "loss");
      assertClose(g1.getGradient(), f1.getGradient(), "4-D layer gradient");
      assertClose(g2.getGradient(), f2.getGradient(), "2-D layer gradient");
      assertTrue(drawn.length == res.tripletCount());
    }
  }

  @Test
  void gradientSurvivesTheLossCallsTemporaries() {
    // loss() frees its temporaries before the caller's backward, and a GC may run in between:
    // nothing the backward pass reads may live in memory that the JVM frees (see GraphScalars).
    int n = 128;
    long[] y = new long[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % 4;
    }
    RelationLoss loss = RelationLoss.builder().build();
    for (int rep = 0; rep < 5; rep++) {
      try (NDManager m = root.newSubManager()) {
        NDArray logits = m.randomNormal(new Shape(n, 4));
        NDArray labels = m.create(y);
        NDArray f = m.randomNormal(new Shape(n, 16));
        f.setRequiresGradient(true);
        NDArray g = f.duplicate();
        g.setRequiresGradient(true);
        RelationLossResult res;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          res = loss.compute(List.of(g), logits, labels, NegativeDraws.categorical(rep));
          gc.backward(res.loss());
        }
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray l = loss.loss(List.of(f), logits, labels, NegativeDraws.categorical(rep));
          churn(m);
          gc.backward(l);
        }
        assertClose(g.getGradient(), f.getGradient(), "gradient after temporaries were freed");
      }
    }
  }

  /** Garbage collection plus fresh allocations, so freed memory is reused before the backward. */
  private static void churn(NDManager m) {
    for (int i = 0; i < 3; i++) {
      System.gc();
      for (int k = 0; k < 50; k++) {
        float[] junk = new float[128 * 16];
        java.util.Arrays.fill(junk, 1e30f);
        m.create(junk, new Shape(128, 16)).close();
        m.create(new float[] {1e30f}).close();
        m.full(new Shape(128, 16), 1e30f).close();
      }
    }
  }

  /** mean over triplets of Σ_layers max(‖a − p + ε‖ − ‖a − n + ε‖ + margin, 0), by autograd. */
  private static NDArray autogradReference(
      List<NDArray> pooled, NDArray anchors, NDArray positives, NDArray negatives, double margin) {
    NDArray total = null;
    for (NDArray x : pooled) {
      NDArray e = x.div(x.norm(new int[] {1}, true).maximum(1e-12));
      NDArray ea = e.get(new NDIndex("{}", anchors));
      NDArray dAp = ea.sub(e.get(new NDIndex("{}", positives))).add(1e-6).norm(new int[] {1});
      NDArray dAn = ea.sub(e.get(new NDIndex("{}", negatives))).add(1e-6).norm(new int[] {1});
      NDArray l = dAp.sub(dAn).add(margin).maximum(0);
      total = total == null ? l : total.add(l);
    }
    return total.mean();
  }

  private static float[] gaussian(Random r, int size) {
    float[] v = new float[size];
    for (int i = 0; i < size; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }

  private static void assertClose(NDArray expected, NDArray actual, String what) {
    float[] e = expected.toFloatArray();
    float[] a = actual.toFloatArray();
    assertEquals(e.length, a.length);
    double scale = 0;
    for (float v : e) {
      scale = Math.max(scale, Math.abs(v));
    }
    assertTrue(scale > 0, what + ": the reference gradient is not all zero");
    for (int i = 0; i < e.length; i++) {
      assertTrue(Float.isFinite(a[i]), what + " entry " + i + " is not finite");
      assertEquals(e[i], a[i], 1e-6 + 1e-4 * scale, what + " entry " + i);
    }
  }
}
