package dev.rgal.toolkit.train;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.rgal.api.DfkdException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.random.JDKRandomGenerator;

/**
 * KD-time mixing of a batch of pool images with a shuffled copy of itself, so the student is
 * distilled on the teacher's answers for images between the synthesised ones (mixup: a convex
 * combination; cutmix: a pasted box). The teacher is asked about the mixed image itself, so no
 * label is needed and the pool stays synthetic-only.
 *
 * <p>Each batch draws one λ ~ Beta(α, α) and one permutation from the step's random source, so a
 * seeded run mixes identically every time.
 */
@API(status = EXPERIMENTAL, since = "0.2")
public final class KdMixing {
  /** The mixing kinds, as the trainer option {@code mix} names them. */
  public static final String NONE = "none";
  public static final String MIXUP = "mixup";
  public static final String CUTMIX = "cutmix";

  private final String kind;
  private final double alpha;

  /**
   * @param kind {@link #NONE}, {@link #MIXUP} or {@link #CUTMIX}
   * @param alpha the Beta(α, α) parameter of the mixing fraction, &gt; 0
   */
  public KdMixing(String kind, double alpha) {
    if (!List.of(NONE, MIXUP, CUTMIX).contains(kind)) {
      throw new DfkdException("unknown mix '" + kind + "': give none, mixup or cutmix");
    }
    if (!(alpha > 0)) {
      throw new DfkdException("mixAlpha must be > 0, got " + alpha);
    }
    this.kind = kind;
    this.alpha = alpha;
  }

  public boolean enabled() {
    return !kind.equals(NONE);
  }

  /** The batch mixed with a random permutation of itself, in {@code m}; {@code x} itself when disabled. */
  public NDArray apply(NDArray x, NDManager m, Random random) {
    if (!enabled()) {
      return x;
    }
    int n = Math.toIntExact(x.getShape().get(0));
    JDKRandomGenerator g = new JDKRandomGenerator();
    g.setSeed(random.nextLong());
    double lambda = new BetaDistribution(g, alpha, alpha).sample();
    List<Long> order = new ArrayList<>(n);
    for (long i = 0; i < n; i++) {
      order.add(i);
    }
    Collections.shuffle(order, random);
    long[] perm = order.stream().mapToLong(Long::longValue).toArray();
    return kind.equals(MIXUP) ? mixup(x, perm, lambda, m) : cutmix(x, perm, lambda, random, m);
  }

  /** λ·x + (1 − λ)·x[perm]. */
  static NDArray mixup(NDArray x, long[] perm, double lambda, NDManager m) {
    NDArray other = x.get(new NDIndex("{}", m.create(perm)));
    return x.mul((float) lambda).add(other.mul((float) (1 - lambda)));
  }

  /**
   * x with a box of area ≈ (1 − λ)·H·W, centred uniformly at random and clipped to the image,
   * taken from x[perm] (the same box for the whole batch, as CutMix does).
   */
  static NDArray cutmix(NDArray x, long[] perm, double lambda, Random random, NDManager m) {
    Shape s = x.getShape();
    int h = Math.toIntExact(s.get(2));
    int w = Math.toIntExact(s.get(3));
    double ratio = Math.sqrt(1 - lambda);
    int cy = random.nextInt(h);
    int cx = random.nextInt(w);
    int bh = (int) (h * ratio);
    int bw = (int) (w * ratio);
    return pasteBox(x, perm, Math.max(0, cy - bh / 2), Math.min(h, cy + bh / 2),
        Math.max(0, cx - bw / 2), Math.min(w, cx + bw / 2), m);
  }

  /** x with rows [y0, y1) and columns [x0, x1) of every image replaced by those of x[perm]. */
  static NDArray pasteBox(NDArray x, long[] perm, int y0, int y1, int x0, int x1, NDManager m) {
    Shape s = x.getShape();
    int h = Math.toIntExact(s.get(2));
    int w = Math.toIntExact(s.get(3));
    float[] mask = new float[h * w];
    for (int y = y0; y < y1; y++) {
      for (int c = x0; c < x1; c++) {
        mask[y * w + c] = 1f;
      }
    }
    NDArray box = m.create(mask, new Shape(1, 1, h, w)).toType(x.getDataType(), false);
    NDArray other = x.get(new NDIndex("{}", m.create(perm)));
    return x.mul(box.neg().add(1)).add(other.mul(box));
  }
}
