package dev.rgal.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.rgal.api.RunSpec;
import dev.rgal.api.Settings;
import dev.rgal.api.WeightedTerm;
import dev.rgal.api.options.OptionValues;
import dev.rgal.api.synthesis.SynthesisTerm;
import dev.rgal.testkit.PluginHarness;
import dev.rgal.testkit.Workbench;
import dev.rgal.toolkit.loss.BnStatisticsTerm;
import dev.rgal.toolkit.loss.SimpleTerms;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The meta-generator learns: one call moves it by the first meta-Adam step. */
class MetaGradientTest {
  @Test
  void oneCallMovesEveryMetaWeightByTheFirstAdamStep() {
    Engine.getInstance().setRandomSeed(3);
    double metaLr = 1e-2;
    try (Workbench bench = Workbench.untrained("lenet5-bn", "lenet5-half-bn");
        PluginHarness host = PluginHarness.open()) {
      NDManager root = bench.manager();
      RunSpec spec = host.spec("fast", Map.of());
      FastSynthesizer s = new FastSynthesizer(bench.request(
          OptionValues.parse(FastSynthesizer.OPTIONS, "synthesizer 'fast'", "",
              Settings.of(Map.of("gSteps", 3, "ngf", 8, "metaLr", metaLr)).values()),
          spec.seed()));
      List<float[]> before = s.metaWeights().stream().map(NDArray::toFloatArray).toList();
      try (NDManager call = root.newSubManager()) {
        List<WeightedTerm<SynthesisTerm>> terms = List.of(new WeightedTerm<>("bn", 10, BnStatisticsTerm.plain(call)),
            new WeightedTerm<>("onehot", 1, SimpleTerms.oneHot()));
        s.synthesize(bench.synthesisContext(terms, 16, 1, true, call, new Random(1)));
      }
      List<NDArray> after = s.metaWeights();
      int moved = 0;
      int total = 0;
      double maxStep = 0;
      for (int i = 0; i < before.size(); i++) {
        float[] a = after.get(i).toFloatArray();
        for (int j = 0; j < a.length; j++) {
          double d = Math.abs(a[j] - before.get(i)[j]);
          maxStep = Math.max(maxStep, d);
          total++;
          // Adam's first step is lr·g/(|g|+eps): lr wherever the summed gradient is not tiny
          if (d > 0.5 * metaLr) {
            moved++;
          }
        }
      }
      assertTrue(maxStep <= metaLr * 1.001, "no step exceeds the meta learning rate: " + maxStep);
      assertTrue(moved > 0.9 * total, moved + " of " + total + " meta weights took a full first Adam step");
      assertEquals(before.size(), after.size());
      s.close();
    }
  }
}
