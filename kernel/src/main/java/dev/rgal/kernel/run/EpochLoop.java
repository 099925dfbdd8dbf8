package dev.rgal.kernel.run;

import dev.rgal.toolkit.metrics.RunMetrics;
import dev.rgal.toolkit.io.AtomicFiles;
import dev.rgal.toolkit.train.Seeds;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.rgal.api.Bindings.Registry;
import dev.rgal.api.ComponentRequest;
import dev.rgal.api.DataSpec;
import dev.rgal.api.DfkdException;
import dev.rgal.api.RunObserver;
import dev.rgal.api.RunOutcome;
import dev.rgal.api.RunSpec;
import dev.rgal.api.Settings;
import dev.rgal.api.Stateful;
import dev.rgal.api.TagContributor;
import dev.rgal.api.TermSpec;
import dev.rgal.api.WeightedTerm;
import dev.rgal.api.model.ArchitectureFactory;
import dev.rgal.api.model.FeatureNet;
import dev.rgal.api.synthesis.SynthesisContext;
import dev.rgal.api.synthesis.SynthesisTerm;
import dev.rgal.api.synthesis.SynthesisTermFactory;
import dev.rgal.api.synthesis.Synthesizer;
import dev.rgal.api.synthesis.SynthesizerFactory;
import dev.rgal.api.synthesis.SyntheticBatch;
import dev.rgal.api.task.TaskEvaluator;
import dev.rgal.api.task.TaskPhase;
import dev.rgal.api.task.TaskResult;
import dev.rgal.api.task.TransferTask;
import dev.rgal.api.tracking.RunTracker;
import dev.rgal.api.tracking.TrackedRun;
import dev.rgal.api.training.StudentContext;
import dev.rgal.api.training.StudentTerm;
import dev.rgal.api.training.StudentTermFactory;
import dev.rgal.api.training.StudentTrainer;
import dev.rgal.api.training.StudentTrainerFactory;
import dev.rgal.api.training.TrainingSummary;
import dev.rgal.toolkit.platform.ProcessMemory;
import dev.rgal.toolkit.data.Datasets;
import dev.rgal.toolkit.data.ImageDataset;
import dev.rgal.toolkit.data.InMemoryDataPool;
import dev.rgal.toolkit.data.SampleGrid;
import dev.rgal.toolkit.loss.NonFiniteLossException;
import dev.rgal.kernel.plugin.PluginHost;
import dev.rgal.toolkit.progress.Progress;
import dev.rgal.toolkit.spec.RunSpecJson;
import dev.rgal.toolkit.teacher.Evaluation;
import dev.rgal.toolkit.teacher.LoadedTeacher;
import dev.rgal.toolkit.teacher.TeacherStore;
import dev.rgal.kernel.tracking.Trackers;
import dev.rgal.toolkit.zoo.NetWeights;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The epoch loop of one run and its mutable state: warm-up synthesis calls, the task's
 * preparation (fresh runs only), then per epoch synthesis → pool → student training → evaluation
 * on real test data → checkpoint → tracking, and at the end the task's result (its model file and
 * metrics), {@code summary.json}, the accuracy plot and the final metrics.
 */
final class EpochLoop {
  final RunSpec spec;
  final FeatureNet teacher;
  final FeatureNet student;
  final TransferTask task;
  final RunComponents c;
  final Progress progress;
  final InMemoryDataPool pool;
  final @Nullable ImageDataset test;
  final DataSpec data;
  final Path out;
  final @Nullable TrackedRun tracked;
  final Consumer<EpochReport> onEpoch;
  final RunEnvironment environment;
  int completedEpochs;
  int calls;
  double best = Double.NaN;
  int bestEpoch = -1;
  double synthMs;
  double kdMs;
  final List<EpochReport> history = new ArrayList<>();
  boolean restored;

  EpochLoop(RunSpec spec, FeatureNet teacher, TransferTask task, RunComponents c, InMemoryDataPool pool,
      @Nullable ImageDataset test, DataSpec data, Path out, @Nullable TrackedRun tracked,
      Consumer<EpochReport> onEpoch, RunEnvironment environment, Progress progress) {
    this.progress = progress;
    this.spec = spec;
    this.teacher = teacher;
    this.task = task;
    this.student = task.student();
    this.c = c;
    this.pool = pool;
    this.test = test;
    this.data = data;
    this.out = out;
    this.tracked = tracked;
    this.onEpoch = onEpoch;
    this.environment = environment;
  }

  void restore(Checkpoint.State s, NDManager run) {
    completedEpochs = s.completedEpochs();
    calls = s.calls();
    best = s.best();
    bestEpoch = s.bestEpoch();
    synthMs = s.synthesisMillis();
    kdMs = s.kdMillis();
    history.addAll(s.history());
    pool.truncate(s.poolSize());
    Checkpoint.restoreComponents(out, student, c.stateful());
    restored = true;
  }

  DistillResult run(NDManager run, double teacherAcc) {
    RunSpec.Schedule sch = spec.schedule();
    ProcessMemory.resetPeak(); // the run's own peak, also when one process runs several
    int totalCalls = sch.warmupCalls() + sch.epochs() * sch.synthesisCallsPerEpoch();
    TaskEvaluator evaluator = evaluator(run);
    try (Progress.Task bar = progress.start(spec.task().name() + " " + spec.method(), sch.epochs())) {
      if (completedEpochs > 0) {
        bar.step(completedEpochs, "resumed");
      }
      if (!Double.isNaN(teacherAcc)) {
        bar.println(String.format(Locale.ROOT, "teacher accuracy %.2f%%", 100 * teacherAcc));
      }
      while (calls < sch.warmupCalls()) {
        synthMs += synthesize(run, true, -1).millis;
        bar.step(0, "warm-up call " + calls + "/" + sch.warmupCalls());
      }
      if (!restored) {
        Map<String, Double> prepared;
        try (NDManager phase = run.newSubManager()) {
          prepared = task.beforeEpochs(phase(phase, evaluator, "prepare", bar));
        }
        if (!prepared.isEmpty()) {
          StringBuilder line = new StringBuilder(spec.task().name() + " prepared:");
          prepared.forEach((k, v) -> line.append(String.format(Locale.ROOT, "  %s %.4f", k, v)));
          bar.println(line.toString());
          if (tracked != null) {
            tracked.logMetrics(0, prepared);
          }
        }
      }
      for (int epoch = completedEpochs; epoch < sch.epochs(); epoch++) {
        Engine.getInstance().setRandomSeed((int) Seeds.derive(spec.seed(), "epoch", epoch));
        double epochSynth = 0;
        Map<String, Double> synthLosses = Map.of();
        for (int k = 0; k < sch.synthesisCallsPerEpoch(); k++) {
          CallResult r = synthesize(run, false, epoch);
          epochSynth += r.millis;
          synthLosses = r.losses;
        }
        long t0 = System.nanoTime();
        TrainingSummary ts;
        try (NDManager epochManager = run.newSubManager()) {
          ts = c.trainer.trainEpoch(new StudentContext(teacher, student, pool, c.studentTerms, epoch,
              sch.epochs(), sch.kdStepsPerEpoch(), epochManager, new Random(Seeds.derive(spec.seed(), "kd", epoch))));
        }
        double epochKd = (System.nanoTime() - t0) / 1e6;
        double acc = test == null ? Double.NaN : Evaluation.accuracy(student, test, data, run);
        if (!Double.isNaN(acc) && (Double.isNaN(best) || acc > best)) {
          best = acc;
          bestEpoch = epoch;
        }
        synthMs += epochSynth;
        kdMs += epochKd;
        Map<String, Double> losses = new LinkedHashMap<>(ts.meanLosses());
        synthLosses.forEach((k, v) -> losses.put(RunMetrics.SYNTHESIS_LOSS_PREFIX + k, v));
        EpochReport rep = new EpochReport(epoch, sch.epochs(), acc, best, ts.learningRate(), epochSynth,
            epochKd, pool.size(), losses);
        history.add(rep);
        completedEpochs = epoch + 1;
        Checkpoint.write(out, new Checkpoint.State(completedEpochs, calls, pool.size(), best, bestEpoch,
            synthMs, kdMs, history), student, c.stateful());
        track(rep);
        bar.step(1, test == null ? "" : String.format(Locale.ROOT, "acc %.2f%% best %.2f%%", 100 * acc, 100 * best));
        bar.println(String.format(Locale.ROOT, "epoch %d/%d  student %s  kd %.4f  synth %.1fs  kd %.1fs  pool %d",
            epoch + 1, sch.epochs(), test == null ? "n/a" : String.format(Locale.ROOT, "%.2f%%", 100 * acc),
            ts.meanLosses().getOrDefault("total", Double.NaN), epochSynth / 1000, epochKd / 1000, pool.size()));
        onEpoch.accept(rep);
      }
    }
    TaskResult finished;
    try (NDManager phase = run.newSubManager(); Progress.Task quiet = Progress.silent().start("finish", 0)) {
      finished = task.finish(phase(phase, evaluator, "finish", quiet));
    }
    Path weights = finished.model();
    // a run without epochs (a task's preparation only, e.g. post-training quantization) delivers
    // the model as prepared: its "last" accuracy is that model's, measured once here
    double last = history.isEmpty() ? evaluator.accuracy(student) : history.get(history.size() - 1).accuracy();
    if (history.isEmpty()) {
      best = last;
    }
    DistillResult result = new DistillResult(out, weights, teacherAcc, last, best, bestEpoch,
        synthMs / 60000, kdMs / 60000, pool.size(), history, tracked == null ? null : tracked.runId(),
        finished.metrics());
    AtomicFiles.writeString(out.resolve(RunMetrics.Summary.FILE), Checkpoint.summaryJson(result, spec, environment), AtomicFiles.Existing.REPLACE);
    Path plot = out.resolve("accuracy.png");
    if (!history.isEmpty()) {
      AccuracyPlot.write(plot, history, teacherAcc, spec.method() + " (seed " + spec.seed() + ")");
    }
    if (tracked != null) {
      Map<String, Double> fin = new LinkedHashMap<>();
      fin.put(RunMetrics.FINAL_LAST_ACCURACY, last);
      fin.put(RunMetrics.FINAL_BEST_ACCURACY, best);
      fin.put(RunMetrics.FINAL_SYNTHESIS_MINUTES, result.synthesisMinutes());
      fin.put(RunMetrics.FINAL_KD_MINUTES, result.kdMinutes());
      fin.put(RunMetrics.FINAL_IMAGES_SYNTHESIZED, (double) result.imagesSynthesized());
      putMiB(fin, RunMetrics.FINAL_PEAK_RSS_MIB, ProcessMemory.peakRssBytes());
      fin.putAll(finished.metrics());
      fin.values().removeIf(v -> v.isNaN());
      tracked.logMetrics(spec.schedule().epochs(), fin);
      if (!finished.metrics().isEmpty()) {
        // names the task's own final metrics, so tables can show them without knowing the task
        tracked.setTags(Map.of(RunMetrics.TASK_METRICS_TAG, String.join(",", finished.metrics().keySet())));
      }
      tracked.logArtifact(weights, "");
      for (Path extra : finished.artifacts()) {
        tracked.logArtifact(extra, "");
      }
      tracked.logArtifact(out.resolve("spec.json"), "");
      tracked.logArtifact(out.resolve(RunMetrics.Summary.FILE), "");
      if (Files.exists(plot)) {
        tracked.logArtifact(plot, "");
      }
    }
    // a task may ask for calls beyond the schedule (e.g. a calibration set), never fewer
    if (calls < totalCalls) {
      throw new IllegalStateException("made " + calls + " synthesis calls, expected " + totalCalls);
    }
    return result;
  }

  /** The task's view of the run at one of its calls. */
  private TaskPhase phase(NDManager scope, TaskEvaluator evaluator, String what, Progress.Task bar) {
    return new TaskPhase(teacher, student, pool, () -> {
      synthMs += synthesize(scope, true, -1).millis;
      bar.step(0, spec.task().name() + " call " + calls);
    }, evaluator, out, scope, new Random(Seeds.derive(spec.seed(), "task-" + what, 0)));
  }

  private TaskEvaluator evaluator(NDManager run) {
    return new TaskEvaluator() {
      @Override
      public boolean available() {
        return test != null;
      }

      @Override
      public double accuracy(FeatureNet net) {
        return test == null ? Double.NaN : Evaluation.accuracy(net, test, data, run);
      }

      @Override
      public double agreement(FeatureNet a, FeatureNet b) {
        return test == null ? Double.NaN : Evaluation.agreement(a, b, test, data, run);
      }
    };
  }

  private void track(EpochReport rep) {
    Path grid = out.resolve("samples").resolve(String.format(Locale.ROOT, "epoch-%03d.png", rep.epoch()));
    if (tracked != null) {
      Map<String, Double> m = new LinkedHashMap<>();
      if (!Double.isNaN(rep.accuracy())) {
        m.put(RunMetrics.STUDENT_ACCURACY, rep.accuracy());
        m.put(RunMetrics.STUDENT_BEST_ACCURACY, rep.bestAccuracy());
      }
      m.put(RunMetrics.LEARNING_RATE, rep.learningRate());
      m.put(RunMetrics.SYNTHESIS_MS, rep.synthesisMillis());
      m.put(RunMetrics.KD_MS, rep.kdMillis());
      m.put(RunMetrics.POOL_IMAGES, (double) rep.poolSize());
      putMiB(m, RunMetrics.RSS_MIB, ProcessMemory.rssBytes());
      putMiB(m, RunMetrics.HEAP_COMMITTED_MIB, ProcessMemory.heapCommittedBytes());
      rep.losses().forEach((k, v) -> m.put(RunMetrics.LOSS_PREFIX + k, v));
      tracked.logMetrics(rep.epoch(), m);
      if (Files.exists(grid)) {
        tracked.logArtifact(grid, "samples");
      }
    }
  }

  private static void putMiB(Map<String, Double> metrics, String key, long bytes) {
    if (bytes >= 0) {
      metrics.put(key, bytes / 1048576.0);
    }
  }

  private CallResult synthesize(NDManager run, boolean warmup, int epoch) {
    calls++;
    long t0 = System.nanoTime();
    List<WeightedTerm<SynthesisTerm>> active = c.synthesisTerms.stream()
        .filter(t -> !warmup || t.term().activeDuringWarmup()).toList();
    Map<String, Double> losses;
    try (NDManager call = run.newSubManager()) {
      SyntheticBatch b = c.synthesizer.synthesize(new SynthesisContext(teacher, student, active, data,
          spec.schedule().synthesisBatchSize(), calls, warmup, call, new Random(Seeds.derive(spec.seed(), "synth", calls))));
      NonFiniteLossException.check("synthesis call " + calls, b.losses());
      pool.add(b.images(), b.targets());
      losses = b.losses();
      if (epoch >= 0) {
        writeGrid(b.images(), b.targets(), epoch);
      }
    }
    return new CallResult((System.nanoTime() - t0) / 1e6, losses);
  }

  private void writeGrid(NDArray images, NDArray targets, int epoch) {
    Path grid = out.resolve("samples").resolve(String.format(Locale.ROOT, "epoch-%03d.png", epoch));
    SampleGrid.write(grid, images, targets.toType(ai.djl.ndarray.types.DataType.INT32, false).toIntArray(), 4);
  }

  private record CallResult(double millis, Map<String, Double> losses) {}
}
