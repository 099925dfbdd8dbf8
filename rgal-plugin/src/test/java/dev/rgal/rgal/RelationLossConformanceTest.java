package dev.rgal.rgal;

import static dev.rgal.rgal.ConformanceVectors.array;
import static dev.rgal.rgal.ConformanceVectors.assertBooleans;
import static dev.rgal.rgal.ConformanceVectors.assertClose;
import static dev.rgal.rgal.ConformanceVectors.assertLongs;
import static dev.rgal.rgal.ConformanceVectors.longs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks the sampler and the relation loss against every value of the conformance vectors
 * ({@code conformance/rgal_loss_vectors.json} in the test resources), feeding the recorded draws.
 */
class RelationLossConformanceTest {
  private static final double TOL = 1e-5;

  private static JsonObject vectors;
  private static NDManager root;

  @BeforeAll
  static void setUp() {
    vectors = ConformanceVectors.load();
    root = NDManager.newBaseManager("PyTorch");
  }

  @AfterAll
  static void tearDown() {
    root.close();
  }

  static Stream<Arguments> cases() {
    JsonObject v = ConformanceVectors.load();
    List<Arguments> out = new ArrayList<>();
    JsonArray cases = v.getAsJsonArray("cases");
    for (int i = 0; i < cases.size(); i++) {
      String name = cases.get(i).getAsJsonObject().get("name").getAsString();
      for (SamplerPrecision p : SamplerPrecision.values()) {
        out.add(Arguments.of(i, name, p));
      }
    }
    return out.stream();
  }

  @Test
  void fileHoldsTheDocumentedCasesAndConstants() {
    assertEquals(4, vectors.getAsJsonArray("cases").size());
    assertEquals(1, vectors.getAsJsonArray("precision_cases").size());
    JsonObject c = vectors.getAsJsonObject("constants");
    assertEquals(RelationLoss.DEFAULT_MARGIN, c.get("margin").getAsDouble());
    assertEquals(RelationLoss.PAIRWISE_EPS, c.get("triplet_pairwise_eps").getAsDouble());
    assertEquals(NegativeSampler.NORMALIZE_EPS, c.get("normalize_eps").getAsDouble());
    assertEquals(NegativeSampler.PDIST_CLAMP, c.get("pdist_clamp_eps").getAsDouble());
    assertEquals(0.5, c.getAsJsonObject("distance_sampler").get("clamp_min").getAsDouble());
    assertEquals(
        1.4, c.getAsJsonObject("distance_sampler").get("upper_cutoff_exclusive").getAsDouble());
    assertEquals(0.5, c.getAsJsonObject("focal_sampler").get("lower_exclusive").getAsDouble());
    assertEquals(1.0, c.getAsJsonObject("focal_sampler").get("upper_exclusive").getAsDouble());
  }

  @ParameterizedTest(name = "[{index}] {1} / {2}")
  @MethodSource("cases")
  void caseMatchesEveryRecordedValue(int index, String name, SamplerPrecision precision) {
    JsonObject in = vectors.getAsJsonObject("inputs");
    JsonObject c = vectors.getAsJsonArray("cases").get(index).getAsJsonObject();
    boolean multilayer = c.getAsJsonArray("per_layer").size() == 2;
    try (NDManager m = root.newSubManager()) {
      List<NDArray> features = new ArrayList<>();
      features.add(array(m, in.get("features")));
      if (multilayer) {
        features.add(array(m, in.get("feature_map")));
      }
      NDArray logits = array(m, in.get("sampler_logits"));
      NDArray labels = array(m, in.get("labels")).toType(DataType.INT64, false);

      RelationLoss loss = build(c, precision);
      RelationLossResult r =
          run(loss, features, logits, labels, longs(c.get("sampled_idx")));
      Sampling s = r.sampling();

      assertClose(name + " sampler_dist", c.get("sampler_dist"), s.dist(), TOL);
      assertClose(name + " sampler_log_weight", c.get("sampler_log_weight"), s.logWeight(), TOL);
      assertBooleans(name + " fallback rows", c.get("sampler_fallback_rows"), s.fallbackRows());
      assertClose(name + " sampler_prob_rows", c.get("sampler_prob_rows"), s.probRows(), TOL);
      assertLongs(name + " anchor_idx", c.get("anchor_idx"), s.anchors());
      assertLongs(name + " positive_partner_idx", c.get("positive_partner_idx"), s.partners());
      assertLongs(name + " sampled_idx", c.get("sampled_idx"), s.negatives());
      assertLongs(name + " triplet anchors", c.get("triplet_anchor_idx"), r.anchors());
      assertLongs(name + " triplet positives", c.get("triplet_positive_idx"), r.positives());
      assertLongs(name + " triplet negatives", c.get("triplet_negative_idx"), r.negatives());
      assertRecordedDrawsArePossible(name, s);
      checkLossSide(name, c, r, features, multilayer ? 2 : 1);
    }
  }

  @ParameterizedTest(name = "precision_cases[0] / {0}")
  @MethodSource("precisions")
  void float32UnderflowCase(SamplerPrecision precision) {
    JsonObject in = vectors.getAsJsonObject("inputs");
    JsonObject c = vectors.getAsJsonArray("precision_cases").get(0).getAsJsonObject();
    assertEquals("inputs.features", c.get("features").getAsString());
    boolean f32 = precision == SamplerPrecision.REPRODUCE_FLOAT32;
    try (NDManager m = root.newSubManager()) {
      List<NDArray> features = List.of(array(m, in.get("features")));
      NDArray logits = array(m, c.get("sampler_logits"));
      NDArray labels = array(m, c.get("labels")).toType(DataType.INT64, false);
      RelationLossResult r =
          run(build(c, precision), features, logits, labels, longs(c.get("sampled_idx")));
      Sampling s = r.sampling();

      JsonElement expectedFallback = c.get(f32 ? "fallback_rows_float32" : "fallback_rows_float64");
      JsonElement expectedProb =
          c.get(f32 ? "sampler_prob_rows_float32" : "sampler_prob_rows_float64");
      assertBooleans("fallback rows", expectedFallback, s.fallbackRows());
      assertClose("prob rows", expectedProb, s.probRows(), TOL);
      if (f32) {
        // float32 recomputation of ‖a‖²+‖b‖²−2a·b cancels for the near-duplicate pair (1, 4),
        // d ≈ 3.7e-4: its squared distance carries an absolute error of a few float32 ulps of 2.
        // Every other entry must match the float64 distances to 1e-5 as usual.
        assertDistancesExceptNearDuplicate(c.get("sampler_dist_float64"), s.dist());
        assertRecordedDrawsArePossible("precision f32", s);
      } else {
        assertClose("sampler_dist_float64", c.get("sampler_dist_float64"), s.dist(), TOL);
      }
      assertLongs("anchor_idx", c.get("anchor_idx"), s.anchors());
      assertLongs("positive_partner_idx", c.get("positive_partner_idx"), s.partners());
      assertClose("per_triplet_loss", c.get("per_triplet_loss"), r.perTripletLoss(), TOL);
      assertClose("loss", new double[] {c.get("loss").getAsDouble()}, r.loss(), TOL);
      assertClose(
          "loss_float32_original_code",
          new double[] {c.get("loss_float32_original_code").getAsDouble()},
          r.loss(),
          TOL);
      assertClose(
          "grad_features",
          c.getAsJsonArray("grad_features").get(0),
          features.get(0).getGradient(),
          TOL);
    }
  }

  @Test
  void precisionModesReallyDifferOnTheUnderflowCase() {
    // Guards against a "well-defined" mode that silently reproduces float32 (or vice versa).
    JsonObject c = vectors.getAsJsonArray("precision_cases").get(0).getAsJsonObject();
    try (NDManager m = root.newSubManager()) {
      NDArray logits = array(m, c.get("sampler_logits"));
      NDArray labels = array(m, c.get("labels")).toType(DataType.INT64, false);
      NegativeDraws draws = NegativeDraws.categorical(1);
      boolean[] f32 =
          NegativeSampler.focal(SamplerPrecision.REPRODUCE_FLOAT32)
              .sample(logits, labels, draws)
              .fallbackRows()
              .toBooleanArray();
      boolean[] f64 =
          NegativeSampler.focal(SamplerPrecision.WELL_DEFINED)
              .sample(logits, labels, draws)
              .fallbackRows()
              .toBooleanArray();
      assertTrue(f32[1] && f32[4], "float32 rows 1 and 4 fall back");
      for (boolean b : f64) {
        assertTrue(!b, "well-defined mode has no fallback row here");
      }
    }
  }

  static Stream<SamplerPrecision> precisions() {
    return Stream.of(SamplerPrecision.values());
  }

  private static RelationLoss build(JsonObject c, SamplerPrecision precision) {
    NegativeSampler sampler =
        switch (c.get("sampler").getAsString()) {
          case "focal" -> NegativeSampler.focal(precision);
          case "distance" -> NegativeSampler.distance(precision);
          default -> throw new AssertionError("unknown sampler " + c.get("sampler"));
        };
    TripletDirection direction =
        c.get("negative_flag").getAsBoolean() ? TripletDirection.PAPER : TripletDirection.RELEASED;
    return RelationLoss.builder().sampler(sampler).direction(direction).build();
  }

  /** Evaluates with gradients on the features; their gradients are then set. */
  private static RelationLossResult run(
      RelationLoss loss, List<NDArray> features, NDArray logits, NDArray labels, long[] drawn) {
    for (NDArray f : features) {
      f.setRequiresGradient(true);
    }
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      RelationLossResult r =
          loss.compute(features, logits, labels, NegativeDraws.recorded(drawn));
      gc.backward(r.loss());
      return r;
    }
  }

  private static void checkLossSide(
      String name, JsonObject c, RelationLossResult r, List<NDArray> features, int layers) {
    JsonArray perLayer = c.getAsJsonArray("per_layer");
    assertEquals(layers, r.perLayer().size());
    for (int l = 0; l < layers; l++) {
      JsonObject pl = perLayer.get(l).getAsJsonObject();
      assertClose(name + " layer " + l + " d_ap", pl.get("d_ap"), r.perLayer().get(l).dAp(), TOL);
      assertClose(name + " layer " + l + " d_an", pl.get("d_an"), r.perLayer().get(l).dAn(), TOL);
    }
    assertClose(name + " per_triplet_loss", c.get("per_triplet_loss"), r.perTripletLoss(), TOL);
    assertEquals(0, r.loss().getShape().dimension(), "loss is a scalar");
    assertClose(name + " loss", new double[] {c.get("loss").getAsDouble()}, r.loss(), TOL);
    assertClose(
        name + " loss_float32_original_code",
        new double[] {c.get("loss_float32_original_code").getAsDouble()},
        r.loss(),
        TOL);
    JsonArray grads = c.getAsJsonArray("grad_features");
    assertEquals(layers, grads.size());
    for (int l = 0; l < layers; l++) {
      assertClose(
          name + " grad_features[" + l + "]", grads.get(l), features.get(l).getGradient(), TOL);
    }
  }

  /** README: every drawn index has nonzero probability in its row. */
  private static void assertRecordedDrawsArePossible(String name, Sampling s) {
    long[] idx = s.negatives().toLongArray();
    long n = s.probRows().getShape().get(1);
    double[] rows = s.probRows().toType(DataType.FLOAT64, false).toDoubleArray();
    for (int p = 0; p < idx.length; p++) {
      assertTrue(rows[(int) (p * n + idx[p])] > 0, name + ": draw " + p + " has probability 0");
    }
  }

  private static void assertDistancesExceptNearDuplicate(JsonElement expected, NDArray dist) {
    double[] want = ConformanceVectors.flat(expected);
    double[] got = dist.toType(DataType.FLOAT64, false).toDoubleArray();
    int n = (int) Math.round(Math.sqrt(want.length));
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        int k = i * n + j;
        if ((i == 1 && j == 4) || (i == 4 && j == 1)) {
          // Tiny and positive, and its square within float32 rounding of the true value.
          assertTrue(want[k] < 1e-3 && got[k] > 0 && got[k] < 2e-3, "near-duplicate distance");
          assertEquals(want[k] * want[k], got[k] * got[k], 1e-6, "near-duplicate d²");
        } else {
          assertEquals(want[k], got[k], TOL, "dist[" + i + "][" + j + "]");
        }
      }
    }
  }
}
