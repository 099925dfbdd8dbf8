package dev.rgal.api;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Everything that defines a run apart from its inputs (teacher, test data, output directory): the
 * transfer task (default {@value #DEFAULT_TASK}), the method, the student architecture, the
 * schedule and every component with its weights and settings (the student's optimiser, temperature and batch size are the trainer's
 * options). Presets are serialised {@code RunSpec}s; the complete spec is
 * logged as the run's params and provenance, so two runs with equal specs and seeds are the same
 * experiment.
 *
 * <p>Build one with {@link #builder()} or start from a preset and change it with {@link #toBuilder()}.
 */
@API(status = STABLE, since = "0.1")
public record RunSpec(
    String method,
    String studentArch,
    long seed,
    Schedule schedule,
    Augmentation kdAugmentation,
    ComponentSpec synthesizer,
    List<TermSpec> synthesisTerms,
    ComponentSpec trainer,
    List<TermSpec> studentTerms,
    ComponentSpec task) {

  /** The task of a spec that names none: distillation into a fresh student. */
  public static final String DEFAULT_TASK = "distill";

  /** The spec of the same run as {@code task}. */
  public RunSpec withTask(ComponentSpec task) {
    return toBuilder().task(task).build();
  }

  public RunSpec {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(task, "task");
    synthesisTerms = List.copyOf(synthesisTerms);
    studentTerms = List.copyOf(studentTerms);
  }

  /**
   * How much is synthesised and trained.
   *
   * @param epochs KD epochs (after warm-up); 0 runs the warm-up and the task's preparation only
   *     (e.g. post-training quantization), which a task may refuse
   * @param kdStepsPerEpoch student optimiser steps per epoch
   * @param synthesisBatchSize images per synthesis call
   * @param synthesisCallsPerEpoch synthesis calls before each KD epoch
   * @param warmupCalls synthesis calls before the first KD epoch, without KD and without terms
   *     that are inactive during warm-up (the adversarial term)
   */
  public record Schedule(
      int epochs,
      int kdStepsPerEpoch,
      int synthesisBatchSize,
      int synthesisCallsPerEpoch,
      int warmupCalls) {
    /** @throws DfkdException naming the field when a count is out of range */
    public Schedule {
      atLeast("schedule.epochs", epochs, 0);
      atLeast("schedule.kdStepsPerEpoch", kdStepsPerEpoch, 1);
      atLeast("schedule.synthesisBatchSize", synthesisBatchSize, 2);
      atLeast("schedule.synthesisCallsPerEpoch", synthesisCallsPerEpoch, 0);
      atLeast("schedule.warmupCalls", warmupCalls, 0);
    }
  }

  /** KD-time augmentation of pool images: random crop with zero padding, horizontal flip. */
  public record Augmentation(int cropPadding, boolean horizontalFlip) {
    /** @throws DfkdException when the padding is negative */
    public Augmentation {
      atLeast("kdAugmentation.cropPadding", cropPadding, 0);
    }
  }

  private static void atLeast(String key, int value, int min) {
    if (value < min) {
      throw new DfkdException(key + " must be ≥ " + min + ", got " + value);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** True if the named term is present with a positive weight in either phase. */
  public boolean usesTerm(String name) {
    return synthesisTerms.stream().anyMatch(t -> t.name().equals(name) && t.weight() > 0)
        || studentTerms.stream().anyMatch(t -> t.name().equals(name) && t.weight() > 0);
  }

  /** Fluent builder with the defaults of the Fashion-MNIST benchmark schedule. */
  public static final class Builder {
    private String method = "";
    private String studentArch = "lenet5-half-bn";
    private long seed = 0;
    private Schedule schedule = new Schedule(30, 100, 256, 1, 0);
    private Augmentation kdAugmentation = new Augmentation(2, true);
    private ComponentSpec synthesizer = ComponentSpec.of("");
    private List<TermSpec> synthesisTerms = new ArrayList<>();
    private ComponentSpec trainer = ComponentSpec.of("kd");
    private List<TermSpec> studentTerms = new ArrayList<>();
    private ComponentSpec task = ComponentSpec.of(DEFAULT_TASK);

    private Builder() {}

    private Builder(RunSpec s) {
      method = s.method;
      studentArch = s.studentArch;
      seed = s.seed;
      schedule = s.schedule;
      kdAugmentation = s.kdAugmentation;
      synthesizer = s.synthesizer;
      synthesisTerms = new ArrayList<>(s.synthesisTerms);
      trainer = s.trainer;
      studentTerms = new ArrayList<>(s.studentTerms);
      task = s.task;
    }

    public Builder method(String v) { method = v; return this; }
    public Builder studentArch(String v) { studentArch = v; return this; }
    public Builder seed(long v) { seed = v; return this; }
    public Builder schedule(Schedule v) { schedule = v; return this; }
    public Builder schedule(UnaryOperator<Schedule> f) { schedule = f.apply(schedule); return this; }
    public Builder epochs(int epochs) {
      schedule = new Schedule(epochs, schedule.kdStepsPerEpoch(), schedule.synthesisBatchSize(), schedule.synthesisCallsPerEpoch(), schedule.warmupCalls());
      return this;
    }
    public Builder kdAugmentation(Augmentation v) { kdAugmentation = v; return this; }
    public Builder synthesizer(ComponentSpec v) { synthesizer = v; return this; }
    public Builder synthesisTerms(List<TermSpec> v) { synthesisTerms = new ArrayList<>(v); return this; }
    public Builder addSynthesisTerm(TermSpec v) { synthesisTerms.add(v); return this; }
    public Builder trainer(ComponentSpec v) { trainer = v; return this; }
    public Builder studentTerms(List<TermSpec> v) { studentTerms = new ArrayList<>(v); return this; }
    public Builder addStudentTerm(TermSpec v) { studentTerms.add(v); return this; }
    public Builder task(ComponentSpec v) { task = v; return this; }

    public RunSpec build() {
      return new RunSpec(method, studentArch, seed, schedule, kdAugmentation, synthesizer, synthesisTerms, trainer, studentTerms, task);
    }
  }
}
