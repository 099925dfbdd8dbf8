package dev.rgal.deepinversion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.rgal.api.DfkdException;
import dev.rgal.api.RunSpec;
import dev.rgal.api.Settings;
import dev.rgal.api.WeightedTerm;
import dev.rgal.api.options.OptionValues;
import dev.rgal.api.synthesis.SynthesisContext;
import dev.rgal.api.synthesis.SynthesisTerm;
import dev.rgal.api.synthesis.SyntheticBatch;
import dev.rgal.testkit.PluginHarness;
import dev.rgal.testkit.Workbench;
import dev.rgal.toolkit.loss.BnStatisticsTerm;
import dev.rgal.toolkit.loss.SimpleTerms;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One synthesis call at a time on a real (small) teacher and an untrained student. */
class DeepInversionSynthesizerTest {
  static Workbench bench;
  static NDManager root;
  static RunSpec spec;

  @BeforeAll
  static void load() {
    bench = Workbench.withTinyTeacher();
    root = bench.manager();
    try (PluginHarness host = PluginHarness.open()) {
      spec = host.spec("deepinversion", Map.of());
    }
  }

  @AfterAll
  static void free() {
    bench.close();
  }

  static DeepInversionSynthesizer synthesizer(Settings s, DeepInversionSynthesizer.IterationListener l) {
    OptionValues options = OptionValues.parse(DeepInversionSynthesizer.OPTIONS, "synthesizer 'deepinversion'",
        "synthesizer.settings", s.values());
    return new DeepInversionSynthesizer(bench.request(options, spec.seed()), l);
  }

  static SynthesisContext context(List<WeightedTerm<SynthesisTerm>> terms, int batch, NDManager call) {
    return bench.synthesisContext(terms, batch, call, new Random(11));
  }

  /** The preset's non-zero terms: 10·bn + 1·onehot + 1·adi + 2.5e-5·tv-l2. */
  static List<WeightedTerm<SynthesisTerm>> presetTerms(NDManager m) {
    return List.of(new WeightedTerm<>("bn", 10, BnStatisticsTerm.plain(m)),
        new WeightedTerm<>("onehot", 1, SimpleTerms.oneHot()),
        new WeightedTerm<>("adi", 1, SimpleTerms.adiCompetition()),
        new WeightedTerm<>("tv-l2", 2.5e-5, SimpleTerms.totalVariation(true)));
  }

  @Test
  void bnLossFallsMarkedlyWithinOneCallAndPixelsStayInRange() {
    Engine.getInstance().setRandomSeed(5);
    int steps = 20;
    List<Double> bn = new ArrayList<>();
    List<String> outOfRange = new ArrayList<>();
    boolean[] studentRan = {true};
    DeepInversionSynthesizer s = synthesizer(Settings.of(Map.of("gSteps", steps)), (it, o) -> {
      bn.add(o.losses().get("bn"));
      studentRan[0] &= o.step().student() != null;
      // after the first step every iterate is the clamped pixels mapped back to [0, 1]
      if (it > 0) {
        float min = o.raw().min().getFloat();
        float max = o.raw().max().getFloat();
        if (min < -1e-5f || max > 1 + 1e-5f) {
          outOfRange.add(it + ": [" + min + ", " + max + "]");
        }
      }
    });
    try (NDManager call = root.newSubManager()) {
      SyntheticBatch b = s.synthesize(context(presetTerms(call), 16, call));
      assertEquals(steps, bn.size());
      double first = bn.get(0);
      double last = bn.get(steps - 1);
      assertTrue(last < 0.5 * first, "BN loss from " + first + " to " + last);
      assertTrue(outOfRange.isEmpty(), "iterates outside [0, 1]: " + outOfRange);
      assertTrue(studentRan[0], "the ADI term needs the student, so it runs in every iteration");
      assertEquals(List.of(16L, 1L, 32L, 32L), List.of(b.images().getShape().getShape()[0],
          b.images().getShape().get(1), b.images().getShape().get(2), b.images().getShape().get(3)));
      assertTrue(b.images().min().getFloat() >= 0f && b.images().max().getFloat() <= 1f);
      int[] y = b.targets().toType(ai.djl.ndarray.types.DataType.INT32, false).toIntArray();
      for (int i = 1; i < y.length; i++) {
        assertTrue(y[i - 1] <= y[i], "targets are sorted");
      }
      assertTrue(y[0] != y[y.length - 1], "targets are random, not one class");
      // the kept iterate is the lowest-loss one, and ADI enters as −JS* (≤ 0)
      assertTrue(b.losses().get("bn") <= first, b.losses().toString());
      assertTrue(b.losses().get("adi") < 0, b.losses().toString());
      assertTrue(b.losses().keySet().containsAll(List.of("bn", "onehot", "adi", "tv-l2", "total")));
    }
  }

  @Test
  void withoutAStudentTermTheStudentIsNotRun() {
    List<Boolean> ran = new ArrayList<>();
    DeepInversionSynthesizer s = synthesizer(Settings.of(Map.of("gSteps", 2)), (it, o) -> ran.add(o.step().student() != null));
    try (NDManager call = root.newSubManager()) {
      List<WeightedTerm<SynthesisTerm>> terms = List.of(new WeightedTerm<>("bn", 10, BnStatisticsTerm.plain(call)),
          new WeightedTerm<>("onehot", 1, SimpleTerms.oneHot()));
      SyntheticBatch b = s.synthesize(context(terms, 8, call));
      assertEquals(List.of(false, false), ran);
      assertNull(b.losses().get("adi"));
      assertNotNull(b.losses().get("total"));
    }
  }

  @Test
  void sameSeedsGiveTheSameBatch() {
    float[][] images = new float[2][];
    for (int k = 0; k < 2; k++) {
      Engine.getInstance().setRandomSeed(9);
      try (NDManager call = root.newSubManager()) {
        images[k] = synthesizer(Settings.of(Map.of("gSteps", 3)), (it, o) -> {})
            .synthesize(context(presetTerms(call), 8, call)).images().toFloatArray();
      }
    }
    org.junit.jupiter.api.Assertions.assertArrayEquals(images[0], images[1]);
  }

  @Test
  void badSettingsFailNamingTheSetting() {
    for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("jitter", 32), Map.of("jitter", -1),
        Map.of("gSteps", 0), Map.of("lr", 0), Map.of("beta2", 1))) {
      DfkdException e = assertThrows(DfkdException.class, () -> synthesizer(Settings.of(bad), (it, o) -> {}));
      String key = bad.keySet().iterator().next();
      assertTrue(e.getMessage().contains("synthesizer.settings." + key), e.getMessage());
    }
  }
}
