package dev.rgal.quantization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.rgal.api.WeightedTerm;
import dev.rgal.api.model.BnStatistics;
import dev.rgal.api.options.OptionValues;
import dev.rgal.api.synthesis.SynthesisTerm;
import dev.rgal.api.synthesis.SyntheticBatch;
import dev.rgal.testkit.Workbench;
import dev.rgal.toolkit.data.Normalization;
import dev.rgal.toolkit.loss.SimpleTerms;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** GDFQ's BN-statistics MSE against a direct computation, and its conditional generator learning the labels. */
class GdfqTest {
  @Test
  void bnMseIsTheLayerMeanOfChannelMeanSquaredErrors() {
    try (NDManager m = NDManager.newBaseManager()) {
      // layer 1, two channels: ((1-0)² + (2-1)²)/2 + ((4-1)² + (1-1)²)/2 = 1 + 4.5 = 5.5
      BnStatistics a = stats(m, new float[] {1, 2}, new float[] {4, 1}, new float[] {0, 1}, new float[] {1, 1});
      // layer 2, one channel: (0.5-0.5)² + (2-3)² = 1
      BnStatistics b = stats(m, new float[] {0.5f}, new float[] {2}, new float[] {0.5f}, new float[] {3});
      assertEquals((5.5 + 1) / 2, BnMseTerm.loss(List.of(a, b)).getFloat(), 1e-6);
    }
  }

  private static BnStatistics stats(NDManager m, float[] mean, float[] var, float[] runningMean, float[] runningVar) {
    NDArray unused = m.zeros(new Shape(1));
    return new BnStatistics("bn", m.create(runningMean), m.create(runningVar), m.create(mean), m.create(var), unused, unused);
  }

  @Test
  void theConditionalGeneratorLearnsToMakeImagesTheTeacherCallsByTheirLabel() throws Exception {
    try (Workbench bench = Workbench.withTinyTeacher()) {
      List<WeightedTerm<SynthesisTerm>> terms = List.of(new WeightedTerm<>("onehot", 1.0, SimpleTerms.oneHot()),
          new WeightedTerm<>("bn-mse", 0.1, new BnMseTerm()));
      OptionValues o = OptionValues.defaults(GdfqSynthesizer.OPTIONS).with(GdfqSynthesizer.NGF, 16).with(GdfqSynthesizer.LR_G, 1e-2);
      GdfqSynthesizer gdfq = new GdfqSynthesizer(bench.request(o, 0));
      Random random = new Random(11);
      double first = agreement(bench, gdfq, terms, random);
      double last = first;
      for (int call = 0; call < 20; call++) {
        last = agreement(bench, gdfq, terms, random);
      }
      assertTrue(last > 0.7 && last > first + 0.3,
          "after 21 calls × 5 steps the teacher should call most images by their label: " + first + " -> " + last);

      // the generator, its label embedding and its Adam state survive a checkpoint
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      gdfq.saveState(new DataOutputStream(bytes));
      GdfqSynthesizer restored = new GdfqSynthesizer(bench.request(o, 0));
      restored.loadState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
      ByteArrayOutputStream again = new ByteArrayOutputStream();
      restored.saveState(new DataOutputStream(again));
      assertArrayEquals(bytes.toByteArray(), again.toByteArray());
      gdfq.close();
      restored.close();
    }
  }

  /** One synthesis call; the fraction of its images the teacher classifies as their label. */
  private static double agreement(Workbench bench, GdfqSynthesizer gdfq, List<WeightedTerm<SynthesisTerm>> terms, Random random) {
    try (NDManager call = bench.manager().newSubManager()) {
      SyntheticBatch b = gdfq.synthesize(bench.synthesisContext(terms, 64, call, random));
      assertEquals(new Shape(64, 1, 32, 32), b.images().getShape());
      float lo = b.images().min().getFloat();
      float hi = b.images().max().getFloat();
      assertTrue(lo >= 0 && hi <= 1, "pixels in [0, 1]: " + lo + ".." + hi);
      NDArray predicted = bench.teacher().forward(Normalization.of(bench.data()).apply(b.images()), false).logits().argMax(1);
      return predicted.eq(b.targets().toType(predicted.getDataType(), false)).sum().getLong() / 64.0;
    }
  }
}
