package dev.rgal.quantization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.rgal.api.DfkdException;
import org.junit.jupiter.api.Test;

class ActivationQuantizerTest {

  @Test
  void emaIsBiasCorrectedOnReadSoAConstantInputGivesItsOwnRange() {
    // GDFQ's compounding correction gives 5.26 c after 2 updates and ~1.1e3 c after 10 (spec §1.3)
    ActivationQuantizer q = new ActivationQuantizer("s", 4, RangeEstimator.EMA);
    for (int t = 1; t <= 30; t++) {
      q.observe(0.0, 1.7);
      assertEquals(1.7, q.range()[1], 1e-12, "after update " + t);
      assertEquals(0.0, q.range()[0], 0.0);
    }
  }

  @Test
  void emaMatchesTheWeightedAverageOfBatchExtremes() {
    ActivationQuantizer q = new ActivationQuantizer("s", 4, RangeEstimator.EMA);
    double[] maxima = {2.0, 4.0, 1.0};
    for (double v : maxima) {
      q.observe(-v / 10, v);
    }
    // (0.1·0.81·2 + 0.1·0.9·4 + 0.1·1) / (1 − 0.729) worked by hand: 0.622 / 0.271
    assertEquals(0.622 / 0.271, q.range()[1], 1e-12);
    assertEquals(-0.0622 / 0.271, q.range()[0], 1e-12);
  }

  @Test
  void minMaxKeepsTheRunningExtremes() {
    ActivationQuantizer q = new ActivationQuantizer("s", 4, RangeEstimator.MIN_MAX);
    q.observe(0.5, 2);
    q.observe(1, 5);
    q.observe(-1, 3);
    assertArrayEquals(new double[] {-1, 5}, q.range());
    assertEquals(3, q.updates());
  }

  @Test
  void rangesFreezeAndQuantizeWithTheFrozenRange() {
    try (NDManager m = NDManager.newBaseManager()) {
      ActivationQuantizer q = new ActivationQuantizer("s", 2, RangeEstimator.MIN_MAX);
      assertThrows(DfkdException.class, q::freeze, "no batch seen");
      NDArray calib = m.create(new float[] {0f, 1f, 3f});
      q.apply(calib);
      q.freeze();
      // a batch with a larger maximum must neither move the range nor escape the grid [0, 3]
      float[] out = q.apply(m.create(new float[] {0.4f, 1.6f, 10f})).toFloatArray();
      assertArrayEquals(new double[] {0, 3}, q.range());
      assertEquals(1, q.updates());
      assertArrayEquals(new float[] {0f, 2f, 3f}, out);
      // calibrating again restarts from nothing
      q.calibrate();
      q.apply(m.create(new float[] {0f, 6f}));
      assertArrayEquals(new double[] {0, 6}, q.range());
    }
  }
}
