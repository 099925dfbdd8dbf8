package dev.rgal.quantization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.rgal.api.WeightedTerm;
import dev.rgal.api.options.OptionValues;
import dev.rgal.api.synthesis.SynthesisTerm;
import dev.rgal.api.synthesis.SyntheticBatch;
import dev.rgal.api.model.Features;
import dev.rgal.testkit.Workbench;
import dev.rgal.toolkit.data.Normalization;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** ZeroQ's distillation loss against a direct computation, and its synthesizer lowering that loss. */
class ZeroQTest {
  @Test
  void perSampleLossMatchesADirectComputation() {
    // two images, two channels, 2x2 pixels
    float[] x = {1, 2, 3, 4, /* c1 */ 0, 0, 0, 2, /* image 2 */ 2, 2, 2, 2, /* c1 */ -1, 1, -1, 1};
    double[] mean = {1.5, 0.25};
    double[] sigma = {1.0, 0.5};
    double want = 0;
    for (int i = 0; i < 2; i++) {
      for (int c = 0; c < 2; c++) {
        double mu = 0;
        for (int p = 0; p < 4; p++) {
          mu += x[i * 8 + c * 4 + p] / 4.0;
        }
        double ss = 0;
        for (int p = 0; p < 4; p++) {
          ss += Math.pow(x[i * 8 + c * 4 + p] - mu, 2);
        }
        double sd = Math.sqrt(ss / 3 + 1e-6); // unbiased, as torch.var
        want += (Math.pow(mean[c] - mu, 2) + Math.pow(sigma[c] - sd, 2)) / 2; // averaged over the 2 images
      }
    }
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray got = ZeroQBnTerm.perSample(m.create(x, new Shape(2, 2, 2, 2)), m.create(new float[] {1.5f, 0.25f}),
          m.create(new float[] {1f, 0.5f}));
      assertEquals(want, got.getFloat(), 1e-5);
    }
  }

  @Test
  void zeroqPixelsMatchTheTeachersBnStatisticsBetterThanTheirStart() {
    try (Workbench bench = Workbench.withTinyTeacher(); NDManager call = bench.manager().newSubManager()) {
      ZeroQBnTerm term = new ZeroQBnTerm();
      List<WeightedTerm<SynthesisTerm>> terms = List.of(new WeightedTerm<>("zeroq-bn", 1.0, term));
      OptionValues o = OptionValues.defaults(ZeroQSynthesizer.OPTIONS).with(ZeroQSynthesizer.ITERATIONS, 60);
      ZeroQSynthesizer synth = new ZeroQSynthesizer(bench.request(o, 0));
      SyntheticBatch b = synth.synthesize(bench.synthesisContext(terms, 16, call, new Random(3)));
      assertEquals(new Shape(16, 1, 32, 32), b.images().getShape());
      Normalization norm = Normalization.of(bench.data());
      // the start: ZeroQ's near-zero uniform noise in normalised space
      float[] start = new float[16 * 32 * 32];
      Random r = new Random(5);
      for (int i = 0; i < start.length; i++) {
        start[i] = (float) ((r.nextInt(255) - 127.5) / 5418.75);
      }
      double before = loss(bench, term, call.create(start, new Shape(16, 1, 32, 32)));
      double after = loss(bench, term, norm.apply(b.images()));
      assertTrue(after < 0.5 * before, "60 Adam steps must at least halve ZeroQ's loss: " + before + " -> " + after);
    }
  }

  private static double loss(Workbench bench, ZeroQBnTerm term, NDArray views) {
    Features f = bench.teacher().forwardWithBnStatistics(views, false);
    NDArray total = ZeroQBnTerm.perSample(views, views.getManager().zeros(new Shape(1)), views.getManager().ones(new Shape(1)));
    for (var s : f.bnStatistics()) {
      if (!ZeroQBnTerm.hasSpatialExtent(s.input())) {
        continue;
      }
      total = total.add(ZeroQBnTerm.perSample(s.input(), s.runningMean(), s.runningVar().add(1e-6f).sqrt()));
    }
    return total.getFloat();
  }
}
