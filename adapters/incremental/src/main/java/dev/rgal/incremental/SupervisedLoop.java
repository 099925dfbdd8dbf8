package dev.rgal.incremental;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.rgal.api.DfkdException;
import dev.rgal.api.model.Features;
import dev.rgal.toolkit.data.BatchAugment;
import dev.rgal.toolkit.data.ImageDataset;
import dev.rgal.toolkit.data.Normalization;
import dev.rgal.toolkit.loss.NonFiniteLossException;
import dev.rgal.toolkit.progress.Progress;
import dev.rgal.toolkit.train.Adam;
import dev.rgal.toolkit.train.KdTrainer;
import dev.rgal.toolkit.train.Seeds;
import dev.rgal.toolkit.zoo.NamedWeights;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The per-task training loop the methods share: a fresh Adam (betas 0.9/0.999, no weight decay)
 * over the model's trainable weights, {@code epochs} shuffled passes over the real images in
 * batches of {@code batchSize} with the last partial batch dropped (as ABD's loaders do), each
 * batch cropped, flipped and normalised, then one step on the method's loss.
 */
@API(status = EXPERIMENTAL, since = "0.2")
public final class SupervisedLoop {
  /** A method's loss on one augmented, normalised real batch and the model's forward on it (train mode). */
  @FunctionalInterface
  public interface BatchLoss {
    NDArray loss(NDArray x, NDArray labels, Features out, NDManager step);
  }

  /** A method's loss on one augmented, normalised real batch; the method runs the forward itself (e.g. on [real; synthetic]). */
  @FunctionalInterface
  public interface StepLoss {
    NDArray loss(NDArray x, NDArray labels, NDManager step);
  }

  private SupervisedLoop() {}

  /**
   * @return the mean loss of the last epoch
   * @throws DfkdException when the data holds fewer images than one batch
   * @throws NonFiniteLossException when a loss is NaN or infinite (before the update reaches the weights)
   */
  public static double train(LearnerContext ctx, ImageDataset data, BatchLoss loss) {
    return trainSteps(ctx, data, (x, y, m) -> loss.loss(x, y, ctx.model().forward(x, true), m));
  }

  /** As {@link #train(LearnerContext, ImageDataset, BatchLoss)}, the forward left to the loss. */
  public static double trainSteps(LearnerContext ctx, ImageDataset data, StepLoss loss) {
    return trainSteps(ctx, data, KdTrainer.trainable(ctx.model().block()), ctx.schedule().lr(), ctx.schedule().epochs(),
        "task " + ctx.task(), loss);
  }

  /**
   * The loop over explicit weights (e.g. a head alone, or the model plus projections), learning
   * rate and epochs, with its own progress label.
   */
  public static double trainSteps(LearnerContext ctx, ImageDataset data, List<NDArray> weights, double lr, int epochs,
      String label, StepLoss loss) {
    IncrementalSchedule s = ctx.schedule();
    int steps = data.size() / s.batchSize();
    if (steps < 1) {
      throw new DfkdException("task " + ctx.task() + " has " + data.size() + " training images, fewer than one batch of "
          + s.batchSize() + ": lower the batch size or raise the images per task");
    }
    Normalization norm = Normalization.of(ctx.spec());
    double last = Double.NaN;
    NamedWeights named = ctx.model() instanceof NamedWeights n ? n : null;
    List<NDArray> extra = new ArrayList<>(weights);
    if (named != null) {
      java.util.Set<NDArray> own = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
      named.stateDict().values().forEach(p -> own.add(p.getArray()));
      extra.removeIf(own::contains);
    }
    try (Adam adam = new Adam(List.of(new Adam.Group(weights, lr)), 0.9, 0.999, 1e-8, 0, ctx.manager());
        Progress.Task bar = ctx.progress().start(label, (long) epochs * steps)) {
      // a resumed run continues after the loop's last completed epoch
      int done = named == null ? 0 : ctx.checkpoints().restore(label, named, extra, adam);
      if (done > 0) {
        bar.step((long) done * steps, "resumed after epoch " + done);
        bar.println(label + ": resumed after epoch " + done + " of " + epochs + " from its checkpoint");
      }
      adam.zeroGradients(); // nothing left over from the previous task's evaluation or inversion
      for (int epoch = done; epoch < epochs; epoch++) {
        Random rng = new Random(Seeds.derive(ctx.seed(), label, epoch));
        // synthetic draws (NDManager.random*) replay identically after a resume
        Engine.getInstance().setRandomSeed((int) Seeds.derive(ctx.seed(), label + " engine", epoch));
        int[] perm = Seeds.permutation(data.size(), rng);
        double sum = 0;
        for (int step = 0; step < steps; step++) {
          int[] idx = java.util.Arrays.copyOfRange(perm, step * s.batchSize(), (step + 1) * s.batchSize());
          double value;
          try (NDManager m = ctx.manager().newSubManager()) {
            NDList b = data.batch(m, idx);
            NDArray x = norm.apply(BatchAugment.cropAndFlip(b.get(0), s.cropPadding(), s.flip(), rng));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
              NDArray l = loss.loss(x, b.get(1), m);
              value = l.getFloat();
              NonFiniteLossException.check("task " + ctx.task() + " epoch " + epoch + " step " + step, Map.of("loss", value));
              gc.backward(l);
            }
          }
          adam.step();
          sum += value;
          bar.step(1, String.format(Locale.ROOT, "epoch %d/%d loss %.4f", epoch + 1, epochs, value));
        }
        last = sum / steps;
        if (named != null) {
          ctx.checkpoints().save(label, epoch + 1, named, extra, adam);
        }
      }
    }
    return last;
  }
}
