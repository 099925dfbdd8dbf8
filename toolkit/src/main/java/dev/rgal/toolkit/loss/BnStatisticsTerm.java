package dev.rgal.toolkit.loss;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import dev.rgal.toolkit.graph.GraphScalars;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDList;
import dev.rgal.api.model.BnStatistics;
import dev.rgal.api.synthesis.SynthesisStep;
import dev.rgal.api.synthesis.SynthesisTerm;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import dev.rgal.toolkit.state.ArrayState;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The BN-statistics synthesis term on the teacher ({@code bn}), and Fast's momentum variant
 * ({@code bn-momentum}, setting {@code momentum}, default 0.9): there the batch statistic inside
 * each norm is replaced by {@code (1−m)·batch + m·ema}, and after every synthesis call the EMA
 * moves towards the last iteration's statistics. The first call has no EMA and uses the plain
 * batch statistics. The EMA is part of the resumable state.
 */
@API(status = STABLE, since = "0.1")
public final class BnStatisticsTerm implements SynthesisTerm {
  private final double momentum;
  private final NDManager stateManager;
  private @Nullable List<NDArray> emaMean;
  private @Nullable List<NDArray> emaVar;
  // m·ema, kept so the per-iteration mix needs no new array in the long-lived state manager
  private @Nullable List<NDArray> scaledMean;
  private @Nullable List<NDArray> scaledVar;

  private BnStatisticsTerm(double momentum, NDManager stateManager) {
    this.momentum = momentum;
    this.stateManager = stateManager;
  }

  /** The plain DeepInversion term. */
  public static BnStatisticsTerm plain(NDManager stateManager) {
    return new BnStatisticsTerm(0, stateManager);
  }

  /** Fast's momentum variant with EMA factor {@code momentum}. */
  public static BnStatisticsTerm withMomentum(double momentum, NDManager stateManager) {
    if (momentum <= 0 || momentum >= 1) {
      throw new IllegalArgumentException("momentum must be in (0, 1)");
    }
    return new BnStatisticsTerm(momentum, stateManager);
  }

  @Override
  public NDArray loss(SynthesisStep step) {
    List<BnStatistics> layers = step.teacher().bnStatistics();
    if (momentum == 0 || scaledMean == null || scaledVar == null) {
      return Losses.bnStatistics(layers);
    }
    float m = (float) momentum;
    List<BnStatistics> mixed = new ArrayList<>(layers.size());
    for (int i = 0; i < layers.size(); i++) {
      BnStatistics s = layers.get(i);
      mixed.add(new BnStatistics(s.layer(), s.runningMean(), s.runningVar(),
          GraphScalars.mul(s.batchMean(), 1 - m).add(scaledMean.get(i)),
          GraphScalars.mul(s.batchVar(), 1 - m).add(scaledVar.get(i)), s.instanceMean(), s.input()));
    }
    return Losses.bnStatistics(mixed);
  }

  @Override
  public void afterCall(SynthesisStep lastStep, NDArray keptImages) {
    if (momentum == 0) {
      return;
    }
    List<BnStatistics> layers = lastStep.teacher().bnStatistics();
    List<NDArray> newMean = new ArrayList<>();
    List<NDArray> newVar = new ArrayList<>();
    float m = (float) momentum;
    for (int i = 0; i < layers.size(); i++) {
      // computed from the step's arrays first, so temporaries stay in the step's scope
      NDArray bm = layers.get(i).batchMean().stopGradient();
      NDArray bv = layers.get(i).batchVar().stopGradient();
      NDArray nm = scaledMean == null ? bm.duplicate() : bm.mul(1 - m).add(scaledMean.get(i));
      NDArray nv = scaledVar == null ? bv.duplicate() : bv.mul(1 - m).add(scaledVar.get(i));
      nm.attach(stateManager);
      nv.attach(stateManager);
      newMean.add(nm);
      newVar.add(nv);
    }
    setEma(newMean, newVar);
  }

  private void setEma(List<NDArray> mean, List<NDArray> var) {
    closeAll(emaMean);
    closeAll(emaVar);
    closeAll(scaledMean);
    closeAll(scaledVar);
    emaMean = mean;
    emaVar = var;
    float m = (float) momentum;
    // ops on arrays of the state manager create their results there: these are kept as state
    scaledMean = mean.stream().map(a -> a.mul(m)).toList();
    scaledVar = var.stream().map(a -> a.mul(m)).toList();
  }

  private static void closeAll(@Nullable List<NDArray> arrays) {
    if (arrays != null) {
      arrays.forEach(NDArray::close);
    }
  }

  @Override
  public void saveState(DataOutputStream out) {
    try {
      out.writeBoolean(emaMean != null);
      if (emaMean != null && emaVar != null) {
        List<NDArray> all = new ArrayList<>(emaMean);
        all.addAll(emaVar);
        ArrayState.write(out, all);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void loadState(DataInputStream in) {
    try {
      if (!in.readBoolean()) {
        return;
      }
      NDList all = ArrayState.read(in, stateManager);
      int n = all.size() / 2;
      setEma(new ArrayList<>(all.subList(0, n)), new ArrayList<>(all.subList(n, 2 * n)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
