package dev.rgal.cmi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.rgal.api.ComponentRequest;
import dev.rgal.api.DataSpec;
import dev.rgal.api.DfkdException;
import dev.rgal.api.model.Architectures;
import dev.rgal.api.model.BnStatistics;
import dev.rgal.api.model.FeatureNet;
import dev.rgal.api.model.Features;
import dev.rgal.api.options.Option;
import dev.rgal.api.options.OptionValues;
import dev.rgal.api.options.Options;
import dev.rgal.api.synthesis.SynthesisStep;
import dev.rgal.api.synthesis.SynthesisTerm;
import dev.rgal.toolkit.data.BatchAugment;
import dev.rgal.toolkit.data.Normalization;
import dev.rgal.toolkit.graph.GraphScalars;
import dev.rgal.toolkit.train.Adam;
import dev.rgal.toolkit.graph.NoGrad;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.jspecify.annotations.Nullable;

/**
 * {@code cmi-contrastive}: CMI's instance-discrimination loss ({@code spec/baseline-methods.md}
 * §4.1).
 *
 * <p>Instance features f(x) concatenate, over every BatchNorm layer of the teacher, the per-sample
 * channel means of the layer's input. The global view is the synthesizer's own augmented view
 * (its teacher pass is {@code step.teacher()}); the local view is {@link LocalView} (random resized
 * crop, scale [{@code minScale}, 1], and flip) of the raw images, normalised and run through the
 * teacher once more. With the projection head h and a memory bank of earlier kept instances:
 * {@code A = h([f_loc(current); f_loc(cached)])}, {@code B = h([f_glob(current); f_glob(cached)])},
 * {@code logits = A·detach(B)ᵀ/τ}, the positive of row i is column i, and the loss is the mean
 * cross-entropy over the current rows plus that over the cached rows (one plain mean while the
 * bank is empty). Only the current local view carries gradient to the images.
 *
 * <p>As in the reference, the head is trained by an Adam of its own (betas 0.9/0.999, lr
 * {@code headLr}), stepped after every inner iteration's backward ({@link #afterBackward}) and
 * persistent across calls (its moments are part of the resumable state). One difference, on
 * purpose: the bank's rows for a call are recomputed from the kept images after the call (fresh
 * views, no gradient) instead of copied from the features of the iteration that was kept, so the
 * term needs no knowledge of which iteration the synthesizer keeps.
 *
 * <p>Options: {@link #OPTIONS}. The head's learning rate and the padding of the global view are
 * the term's own ({@code headLr}, {@code augPadding}); their defaults equal the CMI synthesizer's
 * {@code lr} and {@code augPadding}, as in the reference (lr_g for the head), so change them together.
 */
public final class ContrastiveTerm implements SynthesisTerm {
  public static final Option<Double> TEMPERATURE = Option.real("temperature", 0.1,
      "softmax temperature τ of the instance-discrimination logits").atLeast(1e-6);
  public static final Option<Integer> HEAD_DIM = Option.integer("headDim", 256,
      "output size of the projection head").atLeast(1);
  public static final Option<Integer> NEGATIVES = Option.integer("negatives", 4096,
      "cached instances drawn from the memory bank per step").atLeast(0);
  public static final Option<Integer> BANK_SIZE = Option.integer("bankSize", 40960,
      "memory bank capacity (instances)").atLeast(1);
  public static final Option<Double> MIN_SCALE = Option.real("minScale", 0.25,
      "smallest area fraction of the local view's random resized crop").between(1e-6, 1);
  public static final Option<Double> HEAD_LR = Option.real("headLr", 1e-3,
      "learning rate of the head's own Adam (the reference uses the generator's lr)").atLeast(1e-12);
  public static final Option<Integer> AUG_PADDING = Option.integer("augPadding", 4,
      "crop padding of the global view the bank's rows repeat (the synthesizer's augPadding)").atLeast(0);
  public static final Option<Integer> FEATURE_DIM = Option.integer("featureDim", 0,
      "summed channels of the teacher's BN layers; inferred for zoo teachers").atLeast(1).optional();
  public static final Options OPTIONS = Options.of(TEMPERATURE, HEAD_DIM, NEGATIVES, BANK_SIZE, MIN_SCALE,
      HEAD_LR, AUG_PADDING, FEATURE_DIM);

  private static final int STATE_VERSION = 2;

  private final double temperature;
  private final int negatives;
  private final double minScale;
  private final int globalPadding;
  private final Normalization norm;
  private final NDManager state;
  private final ProjectionHead head;
  private final Adam headAdam;
  private final MemoryBank bank;
  private int lastCached;

  /**
   * @param featureDim D, the summed channels of the teacher's BN layers
   * @param headLr learning rate of the head's own Adam
   * @param globalPadding crop padding of the synthesizer's (global) view, for the bank's rows
   * @param manager the run's manager; the term keeps its head and bank in a sub-manager of it
   */
  ContrastiveTerm(int featureDim, int headDim, double temperature, int negatives, int bankSize,
      double minScale, double headLr, int globalPadding, DataSpec data, NDManager manager) {
    if (temperature <= 0) {
      throw new DfkdException("cmi-contrastive temperature must be positive, got " + temperature + ": set settings.temperature > 0");
    }
    if (negatives < 0 || bankSize < 1 || headDim < 1 || featureDim < 1) {
      throw new DfkdException("cmi-contrastive needs negatives >= 0, bankSize >= 1, headDim >= 1 and featureDim >= 1: fix its settings");
    }
    if (!(headLr > 0)) {
      throw new DfkdException("cmi-contrastive headLr must be positive, got " + headLr + ": set settings.headLr > 0");
    }
    if (minScale <= 0 || minScale > 1) {
      throw new DfkdException("cmi-contrastive minScale must be in (0, 1], got " + minScale + ": fix settings.minScale");
    }
    this.temperature = temperature;
    this.negatives = negatives;
    this.minScale = minScale;
    this.globalPadding = globalPadding;
    this.norm = Normalization.of(data);
    this.state = manager.newSubManager();
    this.head = new ProjectionHead(featureDim, headDim, state);
    this.headAdam = Adam.of(List.of(new Adam.Group(head.parameters().stream().map(Parameter::getArray).toList(), headLr)),
        0.9, 0.999, state);
    this.bank = new MemoryBank(bankSize, state);
  }

  /**
   * The term for a run; {@code architectures} (the host's registry, injected into
   * {@link ContrastiveTermFactory}) builds the probe network when the feature size is not given.
   */
  static ContrastiveTerm create(ComponentRequest r, Architectures architectures) {
    OptionValues o = r.options();
    int featureDim = o.isSet(FEATURE_DIM) ? o.get(FEATURE_DIM) : probeFeatureDim(r, architectures);
    return new ContrastiveTerm(featureDim, o.get(HEAD_DIM), o.get(TEMPERATURE), o.get(NEGATIVES),
        o.get(BANK_SIZE), o.get(MIN_SCALE), o.get(HEAD_LR), o.get(AUG_PADDING), r.data(), r.manager());
  }

  /**
   * D is needed before the first loss because the synthesizer collects the head's parameters at
   * the start of each call; so build a throw-away network of the teacher's architecture and count.
   */
  private static int probeFeatureDim(ComponentRequest r, Architectures architectures) {
    String arch = r.teacher().architecture();
    if (!architectures.names().contains(arch)) {
      throw new DfkdException("cmi-contrastive cannot infer the feature size of teacher architecture '" + arch
          + "': set synthesisTerms.cmi-contrastive.settings.featureDim to the summed channels of its BatchNorm layers");
    }
    DataSpec d = r.data();
    try (NDManager m = r.manager().newSubManager()) {
      FeatureNet net = architectures.create(arch, m, d.channels(), d.height(), d.width(), d.numClasses());
      try {
        Features f = net.forwardWithBnStatistics(m.zeros(new Shape(2, d.channels(), d.height(), d.width())), false);
        if (f.bnStatistics().isEmpty()) {
          throw new DfkdException("cmi-contrastive needs a teacher with BatchNorm layers, '" + arch
              + "' has none: use a *-bn architecture for the teacher");
        }
        long dim = 0;
        for (BnStatistics b : f.bnStatistics()) {
          dim += b.instanceMean().getShape().get(1);
        }
        return Math.toIntExact(dim);
      } finally {
        net.close();
      }
    }
  }

  @Override
  public NDArray loss(SynthesisStep step) {
    NDArray raw = step.rawImages();
    NDManager scope = raw.getManager();
    Random random = step.context().random();
    NDArray fGlobal = instanceFeatures(step.teacher().bnStatistics());
    NDArray fLocal = instanceFeatures(step.context().teacher()
        .forwardWithBnStatistics(norm.apply(LocalView.apply(raw, minScale, random)), false).bnStatistics());
    NDArray cached = bank.sample(negatives, random, scope);
    lastCached = cached == null ? 0 : (int) cached.getShape().get(0);
    return contrastive(head, fLocal, fGlobal, cached, temperature);
  }

  /**
   * The loss for given features.
   *
   * @param fLocal [N, D] local-view features of the current batch (carries the gradient)
   * @param fGlobal [N, D] global-view features of the current batch (detached here)
   * @param cached [K, 2D] bank rows {@code [f_local | f_global]}, or null for none
   */
  static NDArray contrastive(ProjectionHead head, NDArray fLocal, NDArray fGlobal, @Nullable NDArray cached,
      double temperature) {
    int n = (int) fLocal.getShape().get(0);
    int d = (int) fLocal.getShape().get(1);
    NDArray local = fLocal;
    NDArray global = fGlobal.stopGradient();
    int k = cached == null ? 0 : (int) cached.getShape().get(0);
    if (cached != null && k > 0) {
      local = NDArrays.concat(new NDList(local, cached.get(":, :" + d)), 0);
      global = NDArrays.concat(new NDList(global, cached.get(":, " + d + ":")), 0);
    }
    NDArray a = head.project(local);
    NDArray b = head.project(global).stopGradient();
    NDArray logits = GraphScalars.div(a.matMul(b.transpose()), (float) temperature);
    int rows = n + k;
    // cross-entropy with target i in row i: −log_softmax(logits)[i, i], read off the diagonal
    NDArray diagonal = logits.getManager().arange(0, rows, 1, DataType.INT64).mul(rows + 1);
    NDArray perRow = logits.logSoftmax(1).reshape(-1).get(diagonal).neg();
    if (k == 0) {
      return perRow.mean();
    }
    // two means, so 4096 cached rows do not dilute the current batch
    return perRow.get("0:" + n).mean().add(perRow.get(n + ":").mean());
  }

  /** [N, D]: the per-sample channel means of every BN layer's input, concatenated. */
  static NDArray instanceFeatures(List<BnStatistics> layers) {
    if (layers.isEmpty()) {
      throw new DfkdException("cmi-contrastive got no BatchNorm statistics: the teacher needs BatchNorm layers (use a *-bn architecture)");
    }
    NDList parts = new NDList();
    layers.forEach(l -> parts.add(l.instanceMean()));
    return parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 1);
  }

  @Override
  public boolean needsStudent() {
    return false;
  }

  @Override
  public boolean activeDuringWarmup() {
    return true;
  }

  /** Steps the head's own Adam on the gradient this iteration's backward left on the head. */
  @Override
  public void afterBackward(SynthesisStep step) {
    headAdam.step();
  }

  /**
   * Stores {@code [f_local | f_global]} of the kept images in the bank: both views recomputed
   * without gradient, with this call's random source.
   */
  @Override
  public void afterCall(SynthesisStep lastStep, NDArray keptImages) {
    FeatureNet teacher = lastStep.context().teacher();
    Random random = lastStep.context().random();
    try (NDManager tmp = keptImages.getManager().newSubManager()) {
      NoGrad.run(() -> {
        NDArray x = keptImages.duplicate();
        x.attach(tmp);
        NDArray global = instanceFeatures(teacher.forwardWithBnStatistics(
            norm.apply(BatchAugment.cropAndFlip(x, globalPadding, true, random)), false).bnStatistics());
        NDArray local = instanceFeatures(teacher.forwardWithBnStatistics(
            norm.apply(LocalView.apply(x, minScale, random)), false).bnStatistics());
        bank.add(NDArrays.concat(new NDList(local, global), 1));
      });
    }
  }

  /** Number of rows in the memory bank. */
  int bankSize() {
    return bank.size();
  }

  /** Cached rows the last {@link #loss} used as extra instances. */
  int lastCached() {
    return lastCached;
  }

  ProjectionHead head() {
    return head;
  }

  Adam headOptimizer() {
    return headAdam;
  }

  MemoryBank bank() {
    return bank;
  }

  @Override
  public void saveState(DataOutputStream out) {
    try {
      out.writeInt(STATE_VERSION);
      out.writeInt(head.inputDim());
      out.writeInt(head.outputDim());
      NDList all = new NDList();
      head.parameters().forEach(p -> all.add(p.getArray()));
      NDArray rows = bank.rows();
      if (rows != null) {
        all.add(rows);
      }
      byte[] bytes = all.encode();
      out.writeInt(bytes.length);
      out.write(bytes);
      headAdam.saveState(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void loadState(DataInputStream in) {
    try {
      int version = in.readInt();
      int d = in.readInt();
      int h = in.readInt();
      if (version != STATE_VERSION || d != head.inputDim() || h != head.outputDim()) {
        throw new DfkdException("cmi-contrastive state (version " + version + ", " + d + "→" + h
            + ") does not match this run (" + head.inputDim() + "→" + head.outputDim()
            + "): resume with the spec the run was started with");
      }
      byte[] bytes = in.readNBytes(in.readInt());
      try (NDManager tmp = state.newSubManager()) {
        NDList all = NDList.decode(tmp, bytes);
        List<Parameter> params = head.parameters();
        NoGrad.run(() -> {
          for (int i = 0; i < params.size(); i++) {
            // copy in place: the parameter arrays keep their identity and gradient flag
            params.get(i).getArray().set(all.get(i).toFloatArray());
          }
        });
        bank.restore(all.size() > params.size() ? all.get(params.size()) : null);
      }
      headAdam.loadState(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
