package dev.rgal.rgal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Objects;

/**
 * RGAL's distance-weighted negative sampling ("Sampling Matters", Wu et al. 2017) in its two
 * variants, exactly as spec §4.2 describes:
 *
 * <ul>
 *   <li>{@link #focal} (synthesis, "focal weighted sampling"): q = dist, window 0.5 &lt; d &lt; 1.0;
 *   <li>{@link #distance} (student training): q = max(dist, 0.5), window d &lt; 1.4.
 * </ul>
 *
 * <p>Both weight a different-label sample k of anchor row i by the inverse density of pairwise
 * distances on the unit sphere in R^K, {@code logw(q) = (2−K)·ln q − ((K−3)/2)·ln(1 − q²/4)}, take
 * {@code exp(logw − rowmax)}, keep only windowed negatives, fall back to uniform over all
 * different-label samples when nothing is left, and normalise. Every ordered same-label pair
 * (i, j), i ≠ j, in row-major order is one anchor pair, and one negative is drawn per pair.
 *
 * <p>All computation is whole-tensor and detached from autograd. Instances are immutable.
 *
 * <p>Antipodal embeddings (d = 2, where ln(1 − q²/4) = ln 0): the argument of that logarithm is
 * clamped to {@value #LOG_ARG_FLOOR}, so the log-weight stays finite. Such entries are never inside
 * either window; with {@link SamplerPrecision#REPRODUCE_FLOAT32} their large value can dominate the
 * row max and push the row to the uniform fallback, exactly like a near-duplicate does.
 */
public final class NegativeSampler {

  /** The two weighting windows. */
  public enum Kind {
    /** Synthesis phase: q = dist (no clamp), window 0.5 &lt; d &lt; 1.0. */
    FOCAL,
    /** Student phase: q = max(dist, 0.5), window d &lt; 1.4. */
    DISTANCE
  }

  static final double NORMALIZE_EPS = 1e-12;
  static final double PDIST_CLAMP = 1e-12;
  static final double LOG_ARG_FLOOR = 1e-30;

  private final Kind kind;
  private final SamplerPrecision precision;

  private NegativeSampler(Kind kind, SamplerPrecision precision) {
    this.kind = Objects.requireNonNull(kind, "kind");
    this.precision = Objects.requireNonNull(precision, "precision");
  }

  /** Focal sampler reproducing the released float32 behaviour. */
  public static NegativeSampler focal() {
    return of(Kind.FOCAL, SamplerPrecision.REPRODUCE_FLOAT32);
  }

  /** Focal sampler with the given precision. */
  public static NegativeSampler focal(SamplerPrecision precision) {
    return of(Kind.FOCAL, precision);
  }

  /** Distance-weighted sampler reproducing the released float32 behaviour. */
  public static NegativeSampler distance() {
    return of(Kind.DISTANCE, SamplerPrecision.REPRODUCE_FLOAT32);
  }

  /** Distance-weighted sampler with the given precision. */
  public static NegativeSampler distance(SamplerPrecision precision) {
    return of(Kind.DISTANCE, precision);
  }

  public static NegativeSampler of(Kind kind, SamplerPrecision precision) {
    return new NegativeSampler(kind, precision);
  }

  public Kind kind() {
    return kind;
  }

  public SamplerPrecision precision() {
    return precision;
  }

  /**
   * Computes the sampling distribution and draws one negative per same-label ordered pair.
   *
   * @param embeddings [N, K] sampler embeddings (e.g. logits); L2-normalised here, never modified,
   *     and no gradient flows through the result
   * @param labels [N] integer (or integral-valued) class ids
   * @param draws the source of the categorical draws
   * @return the sampling, with every array in {@code embeddings}' manager
   * @throws IllegalArgumentException if the shapes do not fit
   */
  public Sampling sample(NDArray embeddings, NDArray labels, NegativeDraws draws) {
    Shape es = embeddings.getShape();
    if (es.dimension() != 2) {
      throw new IllegalArgumentException("sampler embeddings must be [N, K], got " + es);
    }
    int n = Math.toIntExact(es.get(0));
    long k = es.get(1);
    if (labels.getShape().dimension() != 1 || labels.getShape().get(0) != n) {
      throw new IllegalArgumentException("labels must be [" + n + "], got " + labels.getShape());
    }
    NDManager out = embeddings.getManager();
    // DJL's where() does not broadcast on PyTorch: every operand below has the full shape.
    Shape square = new Shape(n, n);
    DataType dt =
        precision == SamplerPrecision.REPRODUCE_FLOAT32 ? DataType.FLOAT32 : DataType.FLOAT64;
    try (NDManager tmp = out.newSubManager()) {
      NDArray e = embeddings.stopGradient();
      e.attach(tmp);
      e = e.toType(dt, false);
      e = e.div(e.norm(new int[] {1}, true).maximum(NORMALIZE_EPS));

      // Squared distances as the original's pdist: ‖e_i‖² taken from the Gram diagonal.
      NDArray eye = tmp.eye(n, n, 0, dt);
      NDArray gram = e.matMul(e.transpose());
      NDArray sq = gram.mul(eye).sum(new int[] {1}, true);
      NDArray d2 = sq.add(sq.transpose()).sub(gram.mul(2)).maximum(PDIST_CLAMP);
      d2 = d2.mul(eye.neg().add(1));
      NDArray dist = d2.add(eye).sqrt();

      NDArray q = kind == Kind.FOCAL ? dist : dist.maximum(0.5);
      NDArray logArg = q.square().mul(-0.25).add(1).maximum(LOG_ARG_FLOOR);
      NDArray logWeight = q.log().mul(2.0 - k).sub(logArg.log().mul((k - 3.0) / 2.0));

      NDArray lab = labels.stopGradient();
      lab.attach(tmp);
      lab = lab.toType(DataType.INT64, false);
      NDArray same = lab.reshape(n, 1).eq(lab.reshape(1, n));
      NDArray neg = same.logicalNot();
      NDArray window =
          kind == Kind.FOCAL
              ? neg.logicalAnd(dist.gt(0.5)).logicalAnd(dist.lt(1.0))
              : neg.logicalAnd(dist.lt(1.4));

      NDArray rowMax;
      if (precision == SamplerPrecision.REPRODUCE_FLOAT32) {
        rowMax = logWeight.max(new int[] {1}, true); // whole row, before masking (as released)
      } else {
        NDArray minusInf = tmp.full(square, Float.NEGATIVE_INFINITY, dt);
        rowMax = NDArrays.where(window, logWeight, minusInf).max(new int[] {1}, true);
        // Rows without a windowed entry: any finite shift will do, their weights are all 0.
        NDArray hasWindow = window.toType(DataType.INT64, false).sum(new int[] {1}, true).gt(0);
        rowMax = NDArrays.where(hasWindow, rowMax, tmp.zeros(new Shape(n, 1), dt));
      }
      NDArray zero = tmp.zeros(square, dt);
      // where (not multiply): out-of-window entries may overflow exp in the well-defined mode.
      NDArray w = NDArrays.where(window, logWeight.sub(rowMax).exp(), zero);
      NDArray fallback = w.sum(new int[] {1}, true).eq(0);
      w = NDArrays.where(fallback.broadcast(square), neg.toType(dt, false), w);
      NDArray total = w.sum(new int[] {1}, true);
      // Rows with no different-label sample stay all-zero instead of 0/0.
      NDArray prob = w.div(total.add(total.eq(0).toType(dt, false)));

      NDArray hasNeg = neg.toType(DataType.INT64, false).sum(new int[] {1}, true).gt(0);
      NDArray pos = same.logicalAnd(eye.eq(0)).logicalAnd(hasNeg);
      NDArray pairs = pos.nonzero(); // [P, 2], row-major like torch.nonzero
      NDArray anchors = pairs.get(":, 0");
      NDArray partners = pairs.get(":, 1");
      NDArray negatives = draws.draw(prob, anchors);
      if (negatives.getShape().dimension() != 1
          || negatives.getShape().get(0) != anchors.getShape().get(0)) {
        throw new IllegalStateException(
            "draws returned " + negatives.getShape() + " for " + anchors.getShape() + " rows");
      }
      negatives = negatives.toType(DataType.INT64, false);

      NDList keep =
          new NDList(
              dist, logWeight, fallback.reshape(n), prob, anchors, partners, negatives);
      keep.attach(out);
      return new Sampling(
          keep.get(0), keep.get(1), keep.get(2), keep.get(3), keep.get(4), keep.get(5),
          keep.get(6));
    }
  }
}
