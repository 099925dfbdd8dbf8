package dev.rgal.rgal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NegativeDrawsTest extends TorchTest {

  private static NDArray repeatRow(NDManager m, float[] row, int times) {
    float[] all = new float[row.length * times];
    for (int i = 0; i < times; i++) {
      System.arraycopy(row, 0, all, i * row.length, row.length);
    }
    return m.create(all, new Shape(times, row.length));
  }

  @Test
  void drawsOnlyPossibleIndicesWithTheRightFrequencies() {
    float[] row = {0f, 0.1f, 0f, 0.2f, 0.3f, 0f, 0.4f, 0f};
    int draws = 20_000;
    try (NDManager m = root.newSubManager()) {
      long[] idx = NegativeDraws.categorical(42).draw(repeatRow(m, row, draws)).toLongArray();
      assertEquals(draws, idx.length);
      int[] counts = new int[row.length];
      for (long i : idx) {
        counts[(int) i]++;
      }
      double chi2 = 0;
      for (int k = 0; k < row.length; k++) {
        if (row[k] == 0) {
          assertEquals(0, counts[k], "index " + k + " has probability 0");
        } else {
          double expected = draws * row[k];
          chi2 += (counts[k] - expected) * (counts[k] - expected) / expected;
        }
      }
      // 3 degrees of freedom: P(chi² > 16.27) = 0.001. A biased sampler (e.g. off by one
      // column) lands in the thousands.
      assertTrue(chi2 < 16.27, "chi² = " + chi2 + ", counts " + Arrays.toString(counts));
    }
  }

  @Test
  void edgeRowsNeverStepOutside() {
    try (NDManager m = root.newSubManager()) {
      // Mass only at the first or the last column, and an unnormalised float32 row.
      float[] rows = {
        1f, 0f, 0f, 0f,
        0f, 0f, 0f, 1f,
        0f, 0.3333333f, 0.3333333f, 0.3333333f
      };
      NDArray p = repeatRow(m, rows, 2000).reshape(6000, 4);
      long[] idx = NegativeDraws.categorical(5).draw(p).toLongArray();
      for (int i = 0; i < idx.length; i++) {
        switch (i % 3) {
          case 0 -> assertEquals(0, idx[i]);
          case 1 -> assertEquals(3, idx[i]);
          default -> assertTrue(idx[i] >= 1 && idx[i] <= 3);
        }
      }
    }
  }

  @Test
  void seededDrawsAreReproducibleAndStreamAdvances() {
    try (NDManager m = root.newSubManager()) {
      NDArray p = repeatRow(m, new float[] {0.25f, 0.25f, 0.25f, 0.25f}, 64);
      NegativeDraws a = NegativeDraws.categorical(3);
      NegativeDraws b = NegativeDraws.categorical(3);
      long[] first = a.draw(p).toLongArray();
      assertArrayEquals(first, b.draw(p).toLongArray());
      assertFalse(Arrays.equals(first, a.draw(p).toLongArray()), "the stream moves on");
    }
  }

  @Test
  void drawsByRowIndexUseTheNamedRowAndMatchGatheredRows() {
    try (NDManager m = root.newSubManager()) {
      // Row 0 allows only {1, 2}, row 1 only column 3, row 2 is uniform over {0, 3}.
      NDArray prob =
          m.create(new float[] {0f, 0.5f, 0.5f, 0f, 0f, 0f, 0f, 1f, 0.5f, 0f, 0f, 0.5f}, new Shape(3, 4));
      long[] rows = new long[300];
      for (int i = 0; i < rows.length; i++) {
        rows[i] = (i * 7) % 3;
      }
      NDArray rowIdx = m.create(rows);
      long[] byIndex = NegativeDraws.categorical(11).draw(prob, rowIdx).toLongArray();
      for (int i = 0; i < rows.length; i++) {
        long k = byIndex[i];
        switch ((int) rows[i]) {
          case 0 -> assertTrue(k == 1 || k == 2, "row 0 drew " + k);
          case 1 -> assertEquals(3, k);
          default -> assertTrue(k == 0 || k == 3, "row 2 drew " + k);
        }
      }
      // The same stream over explicitly gathered rows gives the same indices.
      NDArray gathered = prob.get(new ai.djl.ndarray.index.NDIndex("{}", rowIdx));
      assertArrayEquals(byIndex, NegativeDraws.categorical(11).draw(gathered).toLongArray());
    }
  }

  @Test
  void aRowWithoutMassIsAnError() {
    try (NDManager m = root.newSubManager()) {
      NDArray prob = m.zeros(new Shape(2, 3));
      NDArray rows = m.create(new long[] {1});
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class, () -> NegativeDraws.categorical(1).draw(prob, rows));
      assertTrue(e.getMessage().contains("row 1"), e.getMessage());
    }
  }

  @Test
  void emptyAndRecorded() {
    try (NDManager m = root.newSubManager()) {
      NDArray empty = m.zeros(new Shape(0, 5));
      assertEquals(new Shape(0), NegativeDraws.categorical(1).draw(empty).getShape());
      NDArray p = repeatRow(m, new float[] {0.5f, 0.5f}, 3);
      assertArrayEquals(
          new long[] {1, 0, 1}, NegativeDraws.recorded(new long[] {1, 0, 1}).draw(p).toLongArray());
      assertThrows(
          IllegalStateException.class, () -> NegativeDraws.recorded(new long[] {1}).draw(p));
    }
  }
}
