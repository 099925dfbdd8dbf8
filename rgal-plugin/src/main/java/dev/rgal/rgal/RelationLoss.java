package dev.rgal.rgal;

import dev.rgal.toolkit.graph.GraphScalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * RGAL's relation loss (the released {@code TriLoss}, spec §4.3): a triplet margin loss over all
 * same-label ordered pairs, with one negative per pair drawn by a {@link NegativeSampler} from a
 * separate sampler embedding.
 *
 * <p>For each feature tensor ([N, C], or [N, C, H, W] which is averaged over H and W first) every
 * row is L2-normalised (eps 1e-12); {@code d(x, y) = sqrt(Σ_k (x_k − y_k + 1e-6)²)} (the torch
 * {@code pairwise_distance} eps); a triplet costs {@code max(d_ap − d_an + margin, 0)} per layer.
 * The loss is the mean over triplets of the per-triplet sum over layers. The sampled indices are
 * shared by all layers. Gradients flow into the features only; the sampler is detached. The
 * triplet gradient is formed in closed form over an [N, N] distance matrix ({@link TripletLayer})
 * so that the cost does not grow with the number of triplets; only the first derivative is
 * provided (no double backward).
 *
 * <p>A batch without any usable same-label pair gives a loss of exactly 0, still connected to the
 * first feature's graph so it can be added to other terms and back-propagated. Everything is
 * whole-tensor; temporaries are freed before returning. Instances are immutable; the default
 * draws (see {@link Builder#draws}) are a stateful random stream, so one instance should not be
 * shared across threads.
 */
public final class RelationLoss {

  /** The released margin. */
  public static final double DEFAULT_MARGIN = 0.2;

  static final double PAIRWISE_EPS = 1e-6;

  private final NegativeSampler sampler;
  private final TripletDirection direction;
  private final double margin;
  private final NegativeDraws draws;

  private RelationLoss(Builder b) {
    this.sampler = b.sampler;
    this.direction = b.direction;
    this.margin = b.margin;
    this.draws = b.draws;
  }

  /**
   * The synthesis-phase term: focal sampler (float32 as released), seeded categorical draws.
   *
   * @param direction {@link TripletDirection#RELEASED} reproduces the released script
   */
  public static RelationLoss forSynthesis(TripletDirection direction, long seed) {
    return builder()
        .sampler(NegativeSampler.focal())
        .direction(direction)
        .draws(NegativeDraws.categorical(seed))
        .build();
  }

  /** The student-phase term: distance sampler (float32 as released), standard triplet. */
  public static RelationLoss forStudent(long seed) {
    return builder()
        .sampler(NegativeSampler.distance())
        .direction(TripletDirection.RELEASED)
        .draws(NegativeDraws.categorical(seed))
        .build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public NegativeSampler sampler() {
    return sampler;
  }

  public TripletDirection direction() {
    return direction;
  }

  public double margin() {
    return margin;
  }

  /** {@link #compute(List, NDArray, NDArray, NegativeDraws)} with the configured draws. */
  public RelationLossResult compute(List<NDArray> features, NDArray samplerEmb, NDArray labels) {
    return compute(features, samplerEmb, labels, draws);
  }

  /**
   * Samples negatives and evaluates the loss with all diagnostics.
   *
   * @param features non-empty list of [N, C] or [N, C, H, W] tensors (the loss embeddings)
   * @param samplerEmb [N, K] embeddings for the sampler only (e.g. logits); no gradient
   * @param labels [N] class ids
   * @param draws where the negatives come from (e.g. {@link NegativeDraws#recorded})
   * @return the result, every array in the manager of {@code features.get(0)}
   * @throws IllegalArgumentException on empty features or mismatched shapes
   */
  public RelationLossResult compute(
      List<NDArray> features, NDArray samplerEmb, NDArray labels, NegativeDraws draws) {
    checkInputs(features, samplerEmb);
    NDManager base = features.get(0).getManager();
    try (NDManager tmp = base.newSubManager()) {
      tempAttachAll(tmp, features, samplerEmb, labels);
      RelationLossResult r = evaluate(features, samplerEmb, labels, draws);
      List<NDArray> keep = new ArrayList<>();
      keep.add(r.loss());
      keep.add(r.perTripletLoss());
      for (LayerDistances l : r.perLayer()) {
        keep.add(l.dAp());
        keep.add(l.dAn());
        keep.add(l.loss());
      }
      keep.add(r.anchors());
      keep.add(r.positives());
      keep.add(r.negatives());
      Sampling s = r.sampling();
      keep.addAll(
          List.of(
              s.dist(), s.logWeight(), s.fallbackRows(), s.probabilities(), s.anchors(),
              s.partners(), s.probRows(), s.negatives()));
      attachDistinct(keep, base);
      return r;
    }
  }

  /** The loss alone, with the configured draws. */
  public NDArray loss(List<NDArray> features, NDArray samplerEmb, NDArray labels) {
    return loss(features, samplerEmb, labels, draws);
  }

  /**
   * The scalar loss alone (attached to the features' graph, in the manager of
   * {@code features.get(0)}); all diagnostics are freed.
   */
  public NDArray loss(
      List<NDArray> features, NDArray samplerEmb, NDArray labels, NegativeDraws draws) {
    checkInputs(features, samplerEmb);
    NDManager base = features.get(0).getManager();
    try (NDManager tmp = base.newSubManager()) {
      tempAttachAll(tmp, features, samplerEmb, labels);
      NDArray loss = evaluate(features, samplerEmb, labels, draws).loss();
      loss.attach(base);
      return loss;
    }
  }

  private RelationLossResult evaluate(
      List<NDArray> features, NDArray samplerEmb, NDArray labels, NegativeDraws draws) {
    Sampling s = sampler.sample(samplerEmb, labels, draws);
    NDArray anchors = s.anchors();
    // RELEASED: (anchor, partner, sampled); PAPER swaps the last two roles.
    NDArray positives = direction == TripletDirection.RELEASED ? s.partners() : s.negatives();
    NDArray negatives = direction == TripletDirection.RELEASED ? s.negatives() : s.partners();
    long p = s.pairCount();

    NDManager m = features.get(0).getManager(); // the caller's temporary manager
    if (p == 0) {
      List<LayerDistances> perLayer = new ArrayList<>(features.size());
      for (int l = 0; l < features.size(); l++) {
        perLayer.add(new LayerDistances(empty(m), empty(m), empty(m)));
      }
      // No triplet: an exact +0 that is still part of the graph, so backward and sums work
      // (adding +0 turns the -0 of a negative sum times 0 into +0).
      NDArray loss = GraphScalars.mul(features.get(0).sum(), 0).add(0);
      return new RelationLossResult(loss, empty(m), perLayer, anchors, positives, negatives, s);
    }
    long[] a = anchors.toLongArray();
    long[] pos = positives.toLongArray();
    long[] neg = negatives.toLongArray();
    int count = a.length;
    double[] perTriplet = new double[count];
    List<LayerDistances> perLayer = new ArrayList<>(features.size());
    NDArray surrogate = null;
    for (NDArray f : features) {
      NDArray e = normalizedRows(f);
      TripletLayer layer = TripletLayer.evaluate(e, a, pos, neg, margin, 1.0 / count, m);
      for (int t = 0; t < count; t++) {
        perTriplet[t] += layer.hinge[t];
      }
      perLayer.add(
          new LayerDistances(floats(m, layer.dAp), floats(m, layer.dAn), floats(m, layer.hinge)));
      // Σ ∂L/∂e ⊙ e has exactly the loss's gradient with respect to e (and, through the
      // normalisation, to the features), so autograd carries it on from here.
      NDArray linear = layer.gradient.mul(e).sum();
      surrogate = surrogate == null ? linear : surrogate.add(linear);
    }
    double total = 0;
    for (double v : perTriplet) {
      total += v;
    }
    NDArray linear = Objects.requireNonNull(surrogate);
    // value: the loss exactly (linear − linear is 0); gradient: that of the loss
    NDArray loss = linear.sub(linear.stopGradient()).add((float) (total / count));
    return new RelationLossResult(
        loss, floats(m, perTriplet), perLayer, anchors, positives, negatives, s);
  }

  private static NDArray floats(NDManager m, double[] values) {
    float[] f = new float[values.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) values[i];
    }
    return m.create(f, new Shape(f.length));
  }

  private static NDArray empty(NDManager m) {
    return m.create(new float[0], new Shape(0));
  }

  /** [N, C] or [N, C, H, W] → global-average-pooled, L2-normalised [N, C]. */
  private static NDArray normalizedRows(NDArray f) {
    Shape shape = f.getShape();
    NDArray x;
    if (shape.dimension() == 2) {
      x = f;
    } else if (shape.dimension() == 4) {
      // Multi-axis mean is unreliable on PyTorch via DJL: flatten H, W and reduce one axis.
      x = f.reshape(shape.get(0), shape.get(1), -1).mean(new int[] {2});
    } else {
      throw new IllegalArgumentException("features must be [N, C] or [N, C, H, W], got " + shape);
    }
    return x.div(GraphScalars.max(x.norm(new int[] {1}, true), NegativeSampler.NORMALIZE_EPS));
  }

  private static void checkInputs(List<NDArray> features, NDArray samplerEmb) {
    if (features.isEmpty()) {
      throw new IllegalArgumentException("at least one feature tensor is required");
    }
    long n = samplerEmb.getShape().get(0);
    for (NDArray f : features) {
      if (f.getShape().dimension() < 1 || f.getShape().get(0) != n) {
        throw new IllegalArgumentException(
            "feature " + f.getShape() + " does not have the sampler's batch size " + n);
      }
    }
  }

  /** Moves each distinct input into {@code tmp} until it closes, so temporaries land there too. */
  private static void tempAttachAll(
      NDManager tmp, List<NDArray> features, NDArray samplerEmb, NDArray labels) {
    Set<NDArray> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    seen.addAll(features);
    seen.add(samplerEmb);
    seen.add(labels);
    for (NDArray a : seen) {
      a.tempAttach(tmp);
    }
  }

  private static void attachDistinct(List<NDArray> arrays, NDManager target) {
    Set<NDArray> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    seen.addAll(arrays);
    new NDList(new ArrayList<>(seen)).attach(target);
  }

  /** Configuration of a {@link RelationLoss}. */
  public static final class Builder {
    private NegativeSampler sampler = NegativeSampler.distance();
    private TripletDirection direction = TripletDirection.RELEASED;
    private double margin = DEFAULT_MARGIN;
    private NegativeDraws draws = NegativeDraws.categorical(0L);

    private Builder() {}

    /** Default: {@link NegativeSampler#distance()}. */
    public Builder sampler(NegativeSampler sampler) {
      this.sampler = Objects.requireNonNull(sampler, "sampler");
      return this;
    }

    /** Default: {@link TripletDirection#RELEASED}. */
    public Builder direction(TripletDirection direction) {
      this.direction = Objects.requireNonNull(direction, "direction");
      return this;
    }

    /** Default 0.2; must be finite and non-negative. */
    public Builder margin(double margin) {
      if (!(margin >= 0) || Double.isInfinite(margin)) {
        throw new IllegalArgumentException("margin must be finite and >= 0, got " + margin);
      }
      this.margin = margin;
      return this;
    }

    /** Default: {@code NegativeDraws.categorical(0)}. */
    public Builder draws(NegativeDraws draws) {
      this.draws = Objects.requireNonNull(draws, "draws");
      return this;
    }

    public RelationLoss build() {
      return new RelationLoss(this);
    }
  }
}
