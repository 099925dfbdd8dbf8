package dev.rgal.kernel.run;

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
 * Runs data-free distillations: the epoch loop of {@code DESIGN.md} — warm-up synthesis calls,
 * then per epoch synthesis → pool → student training → evaluation on real test data →
 * checkpoint → tracking. It knows no method by name: every component comes from the plugin
 * registries. Not thread-safe; one run at a time per JVM (a DJL limit).
 *
 * <p>After a run finishes, every {@link RunObserver} bound in {@code Bindings.observers} sees the
 * student, the data description and the tracked run (e.g. the Tribuo plugin logs LabelEvaluator
 * metrics there).
 *
 * <p>Files in the run directory: {@code spec.json}, {@code pool.bin} (uint8 images, appended per
 * call), {@code checkpoint/} (written atomically after each epoch), {@code samples/epoch-NNN.png},
 * {@code student.params} (final weights), {@code summary.json}.
 */
public final class Distiller implements AutoCloseable {
  private final PluginHost host;
  private final Progress progress;
  private final boolean ownsHost;

  /** Uses an existing plugin host (the caller closes it). */
  public Distiller(PluginHost host, Progress progress) {
    this(host, progress, false);
  }

  private Distiller(PluginHost host, Progress progress, boolean ownsHost) {
    this.host = host;
    this.progress = progress;
    this.ownsHost = ownsHost;
  }

  /** A distiller over the plugins on the class path, reporting nothing; close it when done. */
  public static Distiller create() {
    return new Distiller(PluginHost.discover(), Progress.silent(), true);
  }

  /** A distiller over the class path and the jars in {@code pluginDirs}. */
  public static Distiller create(List<Path> pluginDirs, Progress progress) {
    return new Distiller(PluginHost.discover(pluginDirs), progress, true);
  }

  /**
   * Resolves a method name with optional {@code +extension}s, an optional preset and overrides
   * into a spec (see {@link MethodResolver}).
   */
  public RunSpec spec(String method, @Nullable String preset, Map<String, String> overrides) {
    return new MethodResolver(host).resolve(method, preset, overrides);
  }

  /** Runs without a per-epoch listener. */
  public DistillResult run(DistillRequest request) {
    return run(request, e -> {});
  }

  /**
   * The tracker runs go to: an MLflow server when {@code trackingUri} (or
   * {@code MLFLOW_TRACKING_URI}) names one and a tracker plugin handles it, else the embedded
   * MLflow SQLite store in the database file {@code localStore} (e.g. {@code mlflow.db}). To
   * continue a run, pass the id from {@link RunDirectory#tracking} to {@link RunTracker#resume}.
   * Start a run with {@link RunTracker#start}, pass it in
   * {@link DistillRequest#tracked()}, then finish and close it; the result carries its id.
   */
  public RunTracker tracker(@Nullable String trackingUri, Path localStore) {
    return Trackers.open(host, trackingUri, localStore, false);
  }

  /** The plugins this distiller sees. */
  public PluginHost plugins() {
    return host;
  }

  @Override
  public void close() {
    if (ownsHost) {
      host.close();
    }
  }

  /**
   * Runs (or resumes) a distillation; {@code onEpoch} sees every completed epoch, after its
   * checkpoint is written. The result's {@link DistillResult#runId()} is the tracked run's id.
   *
   * @throws DfkdException for anything the user can fix (missing plugin, bad teacher directory,
   *     test data of another shape, a run directory already in use)
   */
  public DistillResult run(DistillRequest request, Consumer<EpochReport> onEpoch) {
    RunInputs.check(host, request);
    Path out = request.outDir();
    RunSpec spec = request.spec();
    Checkpoint.State resumed = null;
    if (request.resume()) {
      spec = RunDirectory.spec(out);
      resumed = Checkpoint.read(out);
      spec = new SpecValidator(host).validate(spec);
    } else {
      // before the directory exists: a bad spec leaves nothing behind
      spec = new SpecValidator(host).validate(spec);
      prepareFreshRunDir(out);
      Checkpoint.writeAtomically(out.resolve(RunDirectory.SPEC), RunSpecJson.toJsonString(spec));
    }
    if (request.tracked() != null) {
      RunDirectory.recordTracking(out, request.tracked());
    }
    Engine.getInstance().setRandomSeed((int) Seeds.derive(spec.seed(), "init", 0));
    RunEnvironment environment = RunEnvironment.current();
    try (NDManager run = NDManager.newBaseManager()) {
      Map<String, ArchitectureFactory> archs = host.registry(Registry.ARCHITECTURES, ArchitectureFactory.class);
      LoadedTeacher teacher = TeacherStore.load(request.teacherDir(), archs, run);
      DataSpec data = teacher.metadata().dataSpec();
      ArchitectureFactory studentArch = host.require(Registry.ARCHITECTURES, ArchitectureFactory.class, spec.studentArch());
      FeatureNet student = studentArch.create(run, data.channels(), data.height(), data.width(), data.numClasses());
      try (Components c = Components.build(host, spec, teacher.net(), student, data, run)) {
        InMemoryDataPool pool = InMemoryDataPool.open(out.resolve("pool.bin"), data, spec.kdAugmentation());
        ImageDataset test = request.testDataDir() == null ? null
            : Datasets.open(data.dataset(), request.testDataDir(), Datasets.Split.TEST);
        if (test != null && (test.channels() != data.channels() || test.height() != data.height()
            || test.width() != data.width())) {
          throw new DfkdException("test data " + test.channels() + "×" + test.height() + "×" + test.width()
              + " does not match the teacher's input " + data.channels() + "×" + data.height() + "×" + data.width()
              + ": pass the test split of the dataset the teacher was trained on");
        }
        double teacherAcc = test == null ? Double.NaN : Evaluation.accuracy(teacher.net(), test, data, run);
        if (request.tracked() != null) {
          request.tracked().setTags(RunProvenance.tags(spec, teacher.metadata()));
          request.tracked().setTags(environment.asTags());
          request.tracked().logParams(RunProvenance.params(spec, teacher.metadata(), host));
          if (!Double.isNaN(teacherAcc)) {
            request.tracked().logMetrics(0, Map.of("teacher_accuracy", teacherAcc));
          }
        }
        Loop loop = new Loop(spec, teacher.net(), student, c, pool, test, data, out, request.tracked(), onEpoch, environment);
        if (resumed != null) {
          loop.restore(resumed, run);
        }
        DistillResult result = loop.run(run, teacherAcc);
        notifyObservers(new RunOutcome(student, data, request.testDataDir(), spec, out, request.tracked()));
        return result;
      } finally {
        student.close();
        teacher.net().close();
      }
    }
  }

  /**
   * Calls every bound {@link RunObserver} in name order. A failing observer does not fail the
   * finished run: the failure becomes the tag {@code observer.<name>.error} and a line on stderr.
   */
  private void notifyObservers(RunOutcome outcome) {
    Map<String, RunObserver> observers = new java.util.TreeMap<>(host.registry(Registry.OBSERVERS, RunObserver.class));
    for (Map.Entry<String, RunObserver> e : observers.entrySet()) {
      try {
        e.getValue().runFinished(outcome);
      } catch (RuntimeException ex) {
        String msg = ex.getClass().getSimpleName() + (ex.getMessage() == null ? "" : ": " + ex.getMessage());
        System.err.println("rgal: warning: run observer '" + e.getKey() + "' failed (" + msg + "); the run itself is complete");
        if (outcome.tracked() != null) {
          outcome.tracked().setTags(Map.of("observer." + e.getKey() + ".error", msg));
        }
      }
    }
  }

  private static void prepareFreshRunDir(Path out) {
    try {
      Files.createDirectories(out); // RunInputs.check has refused a directory that holds a run
      if (!Files.isWritable(out)) {
        throw new DfkdException("cannot write to " + out + ": choose a writable --out directory");
      }
    } catch (IOException e) {
      throw new DfkdException("cannot create run directory " + out + " (" + e.getMessage() + "): choose a writable --out directory");
    }
  }


  /** The run's components, built from the registries, closed together. */
  static final class Components implements AutoCloseable {
    final Synthesizer synthesizer;
    final List<WeightedTerm<SynthesisTerm>> synthesisTerms;
    final List<WeightedTerm<StudentTerm>> studentTerms;
    final StudentTrainer trainer;

    private Components(Synthesizer synthesizer, List<WeightedTerm<SynthesisTerm>> synthesisTerms,
        List<WeightedTerm<StudentTerm>> studentTerms, StudentTrainer trainer) {
      this.synthesizer = synthesizer;
      this.synthesisTerms = synthesisTerms;
      this.studentTerms = studentTerms;
      this.trainer = trainer;
    }

    static Components build(PluginHost host, RunSpec spec, FeatureNet teacher, FeatureNet student,
        DataSpec data, NDManager run) {
      SpecValidator validator = new SpecValidator(host);
      java.util.function.BiFunction<Registry, ComponentSpecView, ComponentRequest> req =
          (registry, c) -> new ComponentRequest(validator.options(registry, c.name(), c.settings(), c.path()),
              spec.seed(), teacher.info(), student.info(), data, run);
      Synthesizer synth = host.require(Registry.SYNTHESIZERS, SynthesizerFactory.class, spec.synthesizer().name())
          .create(req.apply(Registry.SYNTHESIZERS,
              new ComponentSpecView(spec.synthesizer().name(), spec.synthesizer().settings(), "synthesizer")));
      List<WeightedTerm<SynthesisTerm>> sTerms = new ArrayList<>();
      for (TermSpec t : spec.synthesisTerms()) {
        if (t.weight() != 0) {
          SynthesisTerm term = host.require(Registry.SYNTHESIS_TERMS, SynthesisTermFactory.class, t.name())
              .create(req.apply(Registry.SYNTHESIS_TERMS,
                  new ComponentSpecView(t.name(), t.settings(), "synthesisTerms." + t.name())));
          sTerms.add(new WeightedTerm<>(t.name(), t.weight(), term));
        }
      }
      List<WeightedTerm<StudentTerm>> kTerms = new ArrayList<>();
      for (TermSpec t : spec.studentTerms()) {
        if (t.weight() != 0) {
          StudentTerm term = host.require(Registry.STUDENT_TERMS, StudentTermFactory.class, t.name())
              .create(req.apply(Registry.STUDENT_TERMS,
                  new ComponentSpecView(t.name(), t.settings(), "studentTerms." + t.name())));
          kTerms.add(new WeightedTerm<>(t.name(), t.weight(), term));
        }
      }
      StudentTrainer trainer = host.require(Registry.STUDENT_TRAINERS, StudentTrainerFactory.class, spec.trainer().name())
          .create(req.apply(Registry.STUDENT_TRAINERS,
              new ComponentSpecView(spec.trainer().name(), spec.trainer().settings(), "trainer")), student, kTerms);
      return new Components(synth, sTerms, kTerms, trainer);
    }

    /** A component of the spec with where it sits, for error messages. */
    private record ComponentSpecView(String name, Settings settings, String path) {}

    /** Everything with state, in a fixed order, for checkpoints. */
    List<Stateful> stateful() {
      List<Stateful> all = new ArrayList<>();
      all.add(synthesizer);
      synthesisTerms.forEach(t -> all.add(t.term()));
      studentTerms.forEach(t -> all.add(t.term()));
      all.add(trainer);
      return all;
    }

    @Override
    public void close() {
      trainer.close();
      synthesizer.close();
    }
  }

  /** The mutable loop state of one run. */
  private final class Loop {
    final RunSpec spec;
    final FeatureNet teacher;
    final FeatureNet student;
    final Components c;
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

    Loop(RunSpec spec, FeatureNet teacher, FeatureNet student, Components c, InMemoryDataPool pool,
        @Nullable ImageDataset test, DataSpec data, Path out, @Nullable TrackedRun tracked,
        Consumer<EpochReport> onEpoch, RunEnvironment environment) {
      this.spec = spec;
      this.teacher = teacher;
      this.student = student;
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
    }

    DistillResult run(NDManager run, double teacherAcc) {
      RunSpec.Schedule sch = spec.schedule();
      ProcessMemory.resetPeak(); // the run's own peak, also when one process runs several
      int totalCalls = sch.warmupCalls() + sch.epochs() * sch.synthesisCallsPerEpoch();
      try (Progress.Task bar = progress.start("distill " + spec.method(), sch.epochs())) {
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
          synthLosses.forEach((k, v) -> losses.put("synth." + k, v));
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
      Path weights = out.resolve("student.params");
      NetWeights.save(student, weights);
      double last = history.isEmpty() ? Double.NaN : history.get(history.size() - 1).accuracy();
      DistillResult result = new DistillResult(out, weights, teacherAcc, last, best, bestEpoch,
          synthMs / 60000, kdMs / 60000, pool.size(), history, tracked == null ? null : tracked.runId());
      Checkpoint.writeAtomically(out.resolve("summary.json"), Checkpoint.summaryJson(result, spec, environment));
      Path plot = out.resolve("accuracy.png");
      AccuracyPlot.write(plot, history, teacherAcc, spec.method() + " (seed " + spec.seed() + ")");
      if (tracked != null) {
        Map<String, Double> fin = new LinkedHashMap<>();
        fin.put("final.last_accuracy", last);
        fin.put("final.best_accuracy", best);
        fin.put("final.synthesis_minutes", result.synthesisMinutes());
        fin.put("final.kd_minutes", result.kdMinutes());
        fin.put("final.images_synthesized", (double) result.imagesSynthesized());
        putMiB(fin, "final.peak_rss_mib", ProcessMemory.peakRssBytes());
        fin.values().removeIf(v -> v.isNaN());
        tracked.logMetrics(spec.schedule().epochs(), fin);
        tracked.logArtifact(weights, "");
        tracked.logArtifact(out.resolve("spec.json"), "");
        tracked.logArtifact(out.resolve("summary.json"), "");
        tracked.logArtifact(plot, "");
      }
      if (calls != totalCalls) {
        throw new IllegalStateException("made " + calls + " synthesis calls, expected " + totalCalls);
      }
      return result;
    }

    private void track(EpochReport rep) {
      Path grid = out.resolve("samples").resolve(String.format(Locale.ROOT, "epoch-%03d.png", rep.epoch()));
      if (tracked != null) {
        Map<String, Double> m = new LinkedHashMap<>();
        if (!Double.isNaN(rep.accuracy())) {
          m.put("student_accuracy", rep.accuracy());
          m.put("student_best_accuracy", rep.bestAccuracy());
        }
        m.put("lr", rep.learningRate());
        m.put("synthesis_ms", rep.synthesisMillis());
        m.put("kd_ms", rep.kdMillis());
        m.put("pool_images", (double) rep.poolSize());
        putMiB(m, "rss_mib", ProcessMemory.rssBytes());
        rep.losses().forEach((k, v) -> m.put("loss." + k, v));
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
        pool.add(b.images());
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
  }

  private record CallResult(double millis, Map<String, Double> losses) {}

  static UncheckedIOException io(IOException e) {
    return new UncheckedIOException(e);
  }
}
