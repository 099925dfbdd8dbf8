package dev.rgal.incremental;

import java.util.Locale;

/**
 * The accuracy matrix a_{t,j} of a class-incremental run (spec §2): the single-head top-1 accuracy
 * on the test images of task j after training task t (j ≤ t, tasks numbered from 1), kept as
 * correct and total counts so that both averaging conventions can be computed exactly. Accuracies
 * are fractions in [0, 1].
 */
public final class AccuracyMatrix {
  /** How the accuracy after a task averages over the seen tasks; they differ when tasks differ in size. */
  public enum Averaging {
    /** ABD: A_t = (1/t)·Σ_{j≤t} a_{t,j}, the mean of the per-task accuracies. */
    MEAN_OF_TASKS("mean of per-task accuracies (ABD)"),
    /** R-DFCIL and PASS: the accuracy on the pooled test images of all seen classes. */
    POOLED("accuracy on the pooled test images of the seen classes (R-DFCIL, PASS)");

    private final String definition;

    Averaging(String definition) {
      this.definition = definition;
    }

    /** The definition in words, for output that names the convention it reports. */
    public String definition() {
      return definition;
    }
  }

  private final int tasks;
  private final long[][] correct;
  private final long[][] count;

  /** An empty matrix for T tasks. */
  public AccuracyMatrix(int tasks) {
    if (tasks < 1) {
      throw new IllegalArgumentException("a run has at least one task, not " + tasks);
    }
    this.tasks = tasks;
    correct = new long[tasks + 1][tasks + 1];
    count = new long[tasks + 1][tasks + 1];
  }

  public int tasks() {
    return tasks;
  }

  /** Records the evaluation of task j's test images after task t. */
  public void record(int t, int j, long correctImages, long images) {
    if (t < 1 || t > tasks || j < 1 || j > t) {
      throw new IllegalArgumentException("a_{" + t + "," + j + "} is outside the matrix of " + tasks + " tasks (1 ≤ j ≤ t ≤ T)");
    }
    if (images < 1 || correctImages < 0 || correctImages > images) {
      throw new IllegalArgumentException(correctImages + " correct of " + images + " images is not an accuracy");
    }
    correct[t][j] = correctImages;
    count[t][j] = images;
  }

  /** Whether every a_{t,j}, j ≤ t, is recorded. */
  public boolean complete(int t) {
    for (int j = 1; j <= t; j++) {
      if (count[t][j] == 0) {
        return false;
      }
    }
    return true;
  }

  /** a_{t,j}. */
  public double accuracy(int t, int j) {
    requireRecorded(t, j);
    return (double) correct[t][j] / count[t][j];
  }

  /** A_t under the given convention. */
  public double accuracyAfter(int t, Averaging averaging) {
    return averaging == Averaging.POOLED ? pooled(t, 1, t) : meanOfTasks(t);
  }

  /** Old-class accuracy after task t (pooled over tasks 1..t−1; NaN for t = 1). */
  public double oldAccuracy(int t) {
    return t == 1 ? Double.NaN : pooled(t, 1, t - 1);
  }

  /** New-class accuracy after task t: a_{t,t}. */
  public double newAccuracy(int t) {
    return accuracy(t, t);
  }

  /** A_T. */
  public double finalAccuracy(Averaging averaging) {
    return accuracyAfter(tasks, averaging);
  }

  /**
   * Ā = (1/T)·Σ_{t=1..T} A_t with the base state, or (1/(T−1))·Σ_{t=2..T} A_t without it.
   */
  public double averageIncremental(Averaging averaging, boolean includeBase) {
    int from = includeBase ? 1 : 2;
    if (from > tasks) {
      return Double.NaN;
    }
    double s = 0;
    for (int t = from; t <= tasks; t++) {
      s += accuracyAfter(t, averaging);
    }
    return s / (tasks - from + 1);
  }

  /**
   * Average forgetting F_T = (1/(T−1))·Σ_{j<T} [max_{l∈[j, T−1]} a_{l,j} − a_{T,j}] (Chaudhry et
   * al. 2018); NaN for a single task.
   */
  public double forgetting() {
    if (tasks < 2) {
      return Double.NaN;
    }
    double s = 0;
    for (int j = 1; j < tasks; j++) {
      double best = Double.NEGATIVE_INFINITY;
      for (int l = j; l <= tasks - 1; l++) {
        best = Math.max(best, accuracy(l, j));
      }
      s += best - accuracy(tasks, j);
    }
    return s / (tasks - 1);
  }

  /** CSV: one row per t ({@code after_task,task_1..task_T}), a_{t,j} as fractions, empty for j > t or unrecorded cells. */
  public String toCsv() {
    StringBuilder sb = new StringBuilder("after_task");
    for (int j = 1; j <= tasks; j++) {
      sb.append(",task_").append(j);
    }
    sb.append('\n');
    for (int t = 1; t <= tasks; t++) {
      sb.append(t);
      for (int j = 1; j <= tasks; j++) {
        sb.append(',');
        if (j <= t && count[t][j] > 0) {
          sb.append(String.format(Locale.ROOT, "%.6f", accuracy(t, j)));
        }
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private double meanOfTasks(int t) {
    double s = 0;
    for (int j = 1; j <= t; j++) {
      s += accuracy(t, j);
    }
    return s / t;
  }

  private double pooled(int t, int fromTask, int toTask) {
    long c = 0;
    long n = 0;
    for (int j = fromTask; j <= toTask; j++) {
      requireRecorded(t, j);
      c += correct[t][j];
      n += count[t][j];
    }
    return (double) c / n;
  }

  private void requireRecorded(int t, int j) {
    if (t < 1 || t > tasks || j < 1 || j > t || count[t][j] == 0) {
      throw new IllegalStateException("a_{" + t + "," + j + "} is not recorded");
    }
  }
}
