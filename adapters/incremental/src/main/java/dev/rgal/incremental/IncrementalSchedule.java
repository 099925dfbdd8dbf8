package dev.rgal.incremental;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

import dev.rgal.api.DfkdException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How each task is trained (spec §7.3): Adam with a fresh optimiser per task, {@code epochs} passes
 * over the task's real images at {@code batchSize}, random crop with {@code cropPadding} and
 * horizontal flips. {@code maxImagesPerTask} caps the real images of a task (0 = all), for smoke runs;
 * {@code inversionSteps} generator steps at each task boundary for the inversion methods (2,000).
 */
@API(status = EXPERIMENTAL, since = "0.2")
public record IncrementalSchedule(int epochs, int batchSize, double lr, int cropPadding, boolean flip,
    int maxImagesPerTask, int inversionSteps) {
  /** The `fmnist-neil` schedule: the teacher recipe per task (Adam 1e-3, 10 epochs, batch 128). */
  public static IncrementalSchedule fmnistNeil() {
    return new IncrementalSchedule(10, 128, 1e-3, 2, true, 0, 2000);
  }

  /** @throws DfkdException naming the field when a value is out of range */
  public IncrementalSchedule {
    if (epochs < 1) {
      throw new DfkdException("epochs per task must be ≥ 1, got " + epochs);
    }
    if (batchSize < 2) {
      throw new DfkdException("batch size must be ≥ 2, got " + batchSize);
    }
    if (!(lr > 0)) {
      throw new DfkdException("learning rate must be > 0, got " + lr);
    }
    if (cropPadding < 0 || maxImagesPerTask < 0 || inversionSteps < 0) {
      throw new DfkdException("crop padding, images per task and inversion steps must be ≥ 0");
    }
  }

  public IncrementalSchedule withEpochs(int e) {
    return new IncrementalSchedule(e, batchSize, lr, cropPadding, flip, maxImagesPerTask, inversionSteps);
  }

  public IncrementalSchedule withMaxImagesPerTask(int n) {
    return new IncrementalSchedule(epochs, batchSize, lr, cropPadding, flip, n, inversionSteps);
  }

  /** As tracked params. */
  public Map<String, String> asMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("schedule.epochs", Integer.toString(epochs));
    m.put("schedule.batchSize", Integer.toString(batchSize));
    m.put("schedule.lr", Double.toString(lr));
    m.put("schedule.cropPadding", Integer.toString(cropPadding));
    m.put("schedule.flip", Boolean.toString(flip));
    m.put("schedule.maxImagesPerTask", Integer.toString(maxImagesPerTask));
    m.put("schedule.inversionSteps", Integer.toString(inversionSteps));
    return m;
  }
}
