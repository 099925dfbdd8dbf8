package dev.rgal.rgal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/**
 * The source of the one negative drawn per anchor pair from its probability row.
 *
 * <p>Injectable so that tests (and replays of the original's recorded draws) can fix the indices,
 * while production code draws categorical samples.
 */
@FunctionalInterface
public interface NegativeDraws {

  /**
   * Draws one column index for each entry of {@code rows}, from the probability row it names.
   * Many pairs share an anchor, so the rows are passed by index instead of gathered into a
   * [P, N] matrix.
   *
   * @param probabilities [M, N] non-negative rows, each summing to 1; never modified
   * @param rows int64 [P] row of {@code probabilities} for each draw (P may be 0)
   * @return int64 [P] column indices, created in {@code probabilities}' manager
   */
  NDArray draw(NDArray probabilities, NDArray rows);

  /** One draw from each row of {@code probRows} ([P, N]). */
  default NDArray draw(NDArray probRows) {
    long p = probRows.getShape().get(0);
    try (NDManager tmp = probRows.getManager().newSubManager()) {
      NDArray rows = tmp.arange(0, p, 1, DataType.INT64);
      NDArray drawn = draw(probRows, rows);
      drawn.attach(probRows.getManager());
      return drawn;
    }
  }

  /**
   * Categorical draws by inverse CDF: one row-wise cumulative sum on the engine, then a binary
   * search per draw on the host, with uniforms from a seeded {@link Random}. A chosen index always
   * has nonzero probability. The returned source is stateful (one random stream) and not
   * thread-safe.
   */
  static NegativeDraws categorical(long seed) {
    return new CategoricalDraws(new Random(seed));
  }

  /** Categorical draws from the given random stream (see {@link #categorical(long)}). */
  static NegativeDraws categorical(Random random) {
    return new CategoricalDraws(random);
  }

  /**
   * Returns the given indices, e.g. the {@code sampled_idx} recorded from the original code.
   *
   * @throws IllegalStateException from {@link #draw} if the number of rows differs
   */
  static NegativeDraws recorded(long[] indices) {
    long[] copy = indices.clone();
    return (probabilities, rows) -> {
      long count = rows.getShape().get(0);
      if (count != copy.length) {
        throw new IllegalStateException(
            "recorded draws hold " + copy.length + " indices but " + count + " rows were sampled");
      }
      return probabilities.getManager().create(copy, new Shape(copy.length));
    };
  }
}

/** Inverse-CDF sampling; the search runs on the host, where it is O(P log N) instead of O(P·N). */
final class CategoricalDraws implements NegativeDraws {
  private static final double SHRINK = 1.0 - 0x1p-20;

  private final Random random;

  CategoricalDraws(Random random) {
    this.random = random;
  }

  @Override
  public NDArray draw(NDArray probabilities, NDArray rows) {
    Shape shape = probabilities.getShape();
    if (shape.dimension() != 2 || rows.getShape().dimension() != 1) {
      throw new IllegalArgumentException(
          "need [M, N] probabilities and [P] rows, got " + shape + " and " + rows.getShape());
    }
    int count = Math.toIntExact(rows.getShape().get(0));
    NDManager manager = probabilities.getManager();
    if (count == 0) {
      return manager.create(new long[0], new Shape(0));
    }
    int n = Math.toIntExact(shape.get(1));
    long[] row = rows.toType(DataType.INT64, false).toLongArray();
    long[] drawn = new long[count];
    try (NDManager tmp = manager.newSubManager()) {
      NDArray p = probabilities.stopGradient();
      p.attach(tmp);
      NDArray cum = p.cumSum(1);
      boolean single = cum.getDataType() == DataType.FLOAT32;
      // float32 sums widen to double exactly, so comparisons below are the float32 ones
      double[] c = cum.toType(DataType.FLOAT64, false).toDoubleArray();
      for (int i = 0; i < count; i++) {
        int start = Math.multiplyExact(Math.toIntExact(row[i]), n);
        double total = c[start + n - 1];
        if (!(total > 0)) {
          throw new IllegalStateException("probability row " + row[i] + " has no positive entry");
        }
        // Target in the rows' own precision, scaled by the row's total so rows need not sum to
        // exactly 1; shrinking u keeps it strictly below the total after rounding.
        double u = random.nextDouble() * SHRINK;
        double target = single ? (float) u * (float) total : u * total;
        drawn[i] = firstAbove(c, start, n, target);
      }
    }
    return manager.create(drawn, new Shape(count));
  }

  /**
   * Index (relative to {@code start}) of the first cumulative sum strictly above {@code target}.
   * Cumulative sums are non-decreasing and the target is below the row total, so it exists and
   * its probability is nonzero: a zero entry repeats the previous sum and is never "first above".
   */
  private static int firstAbove(double[] c, int start, int n, double target) {
    int lo = 0;
    int hi = n - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (c[start + mid] > target) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }
}
