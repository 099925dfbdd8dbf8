package dev.rgal.toolkit.metrics;

import static org.apiguardian.api.API.Status.STABLE;

import dev.rgal.api.RunSpec;
import org.apiguardian.api.API;

/**
 * The one vocabulary of what a distillation run records: tracked metric names, the params the
 * kernel adds to the spec's own, and the keys of {@code summary.json}. Whoever writes or reads
 * one of these (the run loop, the results table, the Tribuo adapter, the command line, a grid
 * cell) names it through this class, so a renamed key cannot leave a reader behind.
 *
 * <p>Accuracies are fractions in [0, 1]; minutes are wall-clock minutes; memory is MiB.
 */
@API(status = STABLE, since = "0.1")
public final class RunMetrics {
  private RunMetrics() {}

  // ---- tracked per epoch (step = epoch, 1-based)
  /** Student top-1 on the real test split after the epoch. */
  public static final String STUDENT_ACCURACY = "student_accuracy";
  /** Best {@link #STUDENT_ACCURACY} so far. */
  public static final String STUDENT_BEST_ACCURACY = "student_best_accuracy";
  /** Resident set size of the process after the epoch. */
  public static final String RSS_MIB = "rss_mib";
  /**
   * JVM heap committed after the epoch: RSS minus this is, roughly, native memory (DJL tensors,
   * PyTorch's allocator, code), so growth across runs in one process can be told apart.
   */
  public static final String HEAP_COMMITTED_MIB = "jvm_heap_committed_mib";
  /** The student's learning rate in the epoch. */
  public static final String LEARNING_RATE = "lr";
  /** Wall time of the epoch's synthesis calls, and of its KD steps. */
  public static final String SYNTHESIS_MS = "synthesis_ms";
  public static final String KD_MS = "kd_ms";
  /** Images in the pool after the epoch. */
  public static final String POOL_IMAGES = "pool_images";
  /** Prefix of the epoch's mean losses ({@code loss.total}, {@code loss.kd}, a term's name). */
  public static final String LOSS_PREFIX = "loss.";
  /** Prefix, inside the losses, of the last synthesis call's term values ({@code loss.synth.bn}). */
  public static final String SYNTHESIS_LOSS_PREFIX = "synth.";
  /** Teacher top-1 on the real test split, logged once at step 0. */
  public static final String TEACHER_ACCURACY = "teacher_accuracy";

  // ---- tracked once at the end (step = epochs)
  public static final String FINAL_LAST_ACCURACY = "final.last_accuracy";
  /**
   * Tag naming, comma-separated, the final metrics the run's transfer task reported (e.g. {@code
   * quant.ptq_accuracy}); a metric whose name ends in {@code accuracy} or {@code agreement} is a
   * fraction.
   */
  public static final String TASK_METRICS_TAG = "task.metrics";
  public static final String FINAL_BEST_ACCURACY = "final.best_accuracy";
  public static final String FINAL_SYNTHESIS_MINUTES = "final.synthesis_minutes";
  public static final String FINAL_KD_MINUTES = "final.kd_minutes";
  public static final String FINAL_IMAGES_SYNTHESIZED = "final.images_synthesized";
  /** Peak RSS of the run (the process's high-water mark is reset when the run starts). */
  public static final String FINAL_PEAK_RSS_MIB = "final.peak_rss_mib";

  // ---- params added to the flattened spec
  /** Images the run synthesises in all: {@link #dataBudget(RunSpec.Schedule)}. */
  public static final String DATA_BUDGET_IMAGES = "dataBudget.images";

  /**
   * The images a schedule synthesises: one batch per warm-up call and per synthesis call of every
   * epoch. The KD steps do not count: they reuse the pool.
   */
  public static int dataBudget(RunSpec.Schedule s) {
    return Math.multiplyExact(s.synthesisBatchSize(),
        Math.addExact(s.warmupCalls(), Math.multiplyExact(s.epochs(), s.synthesisCallsPerEpoch())));
  }

  /** Keys of a run directory's {@code summary.json}. */
  @API(status = STABLE, since = "0.1")
  public static final class Summary {
    private Summary() {}

    public static final String FILE = "summary.json";
    /** The task's own figures: {@code name}, {@code model} (the result file) and its metrics. */
    public static final String TASK = "task";
    /** Inside {@link #TASK}: the task's model file, relative to the run directory. */
    public static final String MODEL = "model";
    public static final String METHOD = "method";
    public static final String SEED = "seed";
    public static final String TEACHER_ACCURACY = "teacherAccuracy";
    public static final String LAST_ACCURACY = "lastAccuracy";
    public static final String BEST_ACCURACY = "bestAccuracy";
    public static final String BEST_EPOCH = "bestEpoch";
    public static final String SYNTHESIS_MINUTES = "synthesisMinutes";
    public static final String KD_MINUTES = "kdMinutes";
    public static final String IMAGES_SYNTHESIZED = "imagesSynthesized";
    public static final String RUN_ID = "runId";
    public static final String SPEC = "spec";
    public static final String ENVIRONMENT = "environment";
  }
}
