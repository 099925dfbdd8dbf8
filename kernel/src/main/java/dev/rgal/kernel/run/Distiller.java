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
 * Runs data-free transfer runs: the epoch loop of {@code DESIGN.md} — warm-up synthesis calls,
 * the task's preparation, then per epoch synthesis → pool → student training → evaluation on real
 * test data → checkpoint → tracking, and the task's result. It knows no method and no task by
 * name: the {@link TransferTask} (distillation, quantization, …) and every component come from the
 * plugin registries; the spec's {@code task} picks the task. Not thread-safe; one run at a time per JVM (a DJL limit).
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
    boolean fresh = !request.resume();
    boolean outExisted = Files.exists(out);
    if (request.resume()) {
      spec = RunDirectory.spec(out);
      resumed = Checkpoint.read(out);
      spec = new SpecValidator(host).validate(spec);
    } else {
      // before the directory exists: a bad spec leaves nothing behind
      spec = new SpecValidator(host).validate(spec);
      prepareFreshRunDir(out);
      AtomicFiles.writeString(out.resolve(RunDirectory.SPEC), RunSpecJson.toJsonString(spec), AtomicFiles.Existing.REPLACE);
    }
    if (request.tracked() != null) {
      RunDirectory.recordTracking(out, request.tracked());
    }
    Engine.getInstance().setRandomSeed((int) Seeds.derive(spec.seed(), "init", 0));
    RunEnvironment environment = RunEnvironment.current();
    boolean started = false;
    try (NDManager run = NDManager.newBaseManager()) {
      Map<String, ArchitectureFactory> archs = host.registry(Registry.ARCHITECTURES, ArchitectureFactory.class);
      LoadedTeacher teacher = TeacherStore.load(request.teacherDir(), archs, run);
      DataSpec data = teacher.metadata().dataSpec();
      TransferTask task = RunComponents.task(host, spec, teacher.net(), teacher.metadata().weightsSha256(), data, run);
      FeatureNet student = task.student();
      try (RunComponents c = RunComponents.build(host, spec, teacher.net(), task, data, run)) {
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
          request.tracked().setTags(RunProvenance.tags(spec, teacher.metadata(), c.contributedTags()));
          request.tracked().setTags(environment.asTags());
          request.tracked().logParams(RunProvenance.params(spec, teacher.metadata(), host));
          if (!Double.isNaN(teacherAcc)) {
            request.tracked().logMetrics(0, Map.of(RunMetrics.TEACHER_ACCURACY, teacherAcc));
          }
        }
        EpochLoop loop = new EpochLoop(spec, teacher.net(), task, c, pool, test, data, out, request.tracked(), onEpoch,
            environment, progress);
        if (resumed != null) {
          loop.restore(resumed, run);
        }
        started = true;
        DistillResult result = loop.run(run, teacherAcc);
        notifyObservers(new RunOutcome(student, data, request.testDataDir(), spec, out, request.tracked()));
        return result;
      } finally {
        task.close();
        teacher.net().close();
      }
    } catch (RuntimeException e) {
      if (fresh && !started) {
        abandonFreshRunDir(out, outExisted);
      }
      throw e;
    }
  }

  /**
   * A fresh run that failed while setting up (a teacher, a component or test data the spec's
   * validation could not judge) leaves no run directory behind that looks like a run: the files it
   * wrote go, and so does the directory when the run created it.
   */
  private static void abandonFreshRunDir(Path out, boolean existed) {
    try {
      for (String name : List.of(RunDirectory.SPEC, RunDirectory.TRACKING, "pool.bin")) {
        Files.deleteIfExists(out.resolve(name));
      }
      if (!existed) {
        try (var left = Files.list(out)) {
          if (left.findAny().isEmpty()) {
            Files.delete(out);
          }
        }
      }
    } catch (IOException e) {
      System.err.println("rgal: warning: could not remove the unfinished run directory " + out + " (" + e.getMessage() + ")");
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


  static UncheckedIOException io(IOException e) {
    return new UncheckedIOException(e);
  }
}
