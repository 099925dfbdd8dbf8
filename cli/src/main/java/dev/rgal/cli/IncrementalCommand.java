package dev.rgal.cli;

import dev.rgal.api.Bindings.Registry;
import ai.djl.ndarray.NDManager;
import dev.rgal.api.ComponentRequest;
import dev.rgal.api.DataSpec;
import dev.rgal.api.Settings;
import dev.rgal.api.WeightedTerm;
import dev.rgal.api.model.NetInfo;
import dev.rgal.api.synthesis.SynthesisTermFactory;
import dev.rgal.api.training.StudentTermFactory;
import dev.rgal.incremental.RelationTerms;
import dev.rgal.incremental.SynthesizerInversion;
import dev.rgal.api.RunSpec;
import dev.rgal.api.TermSpec;
import dev.rgal.api.synthesis.SynthesizerFactory;
import dev.rgal.kernel.run.MethodResolver;
import dev.rgal.kernel.run.SpecValidator;
import java.util.List;
import dev.rgal.api.DfkdException;
import dev.rgal.api.model.ArchitectureFactory;
import dev.rgal.incremental.AccuracyMatrix;
import dev.rgal.incremental.ClassOrder;
import dev.rgal.incremental.IncrementalMethod;
import dev.rgal.incremental.IncrementalRun;
import dev.rgal.incremental.IncrementalSchedule;
import dev.rgal.incremental.TaskSplit;
import dev.rgal.kernel.plugin.PluginHost;
import dev.rgal.toolkit.data.Datasets;
import dev.rgal.toolkit.io.AtomicFiles;
import dev.rgal.toolkit.metrics.RunMetrics;
import dev.rgal.toolkit.platform.ProcessMemory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rgal incremental}: non-exemplar class-incremental learning over a task split, tracked
 * with step = task; see docs/incremental.md.
 */
@Command(name = "incremental", mixinStandardHelpOptions = true, description = {
    "Class-incremental learning without stored old images: the model learns the classes task by task;",
    "at task t only the real images of task t's classes are read. Prints the accuracy matrix after each task",
    "and the final accuracy, average incremental accuracy and forgetting (both averaging conventions)."})
final class IncrementalCommand implements Callable<Integer> {
  /** Where the tracked run's id is kept, so that --resume continues the same tracked run. */
  static final String TRACKING = "tracking-run.txt";
  /** The rgal plugin's relation terms (synthesis and student side) and their weight in spec §7.5. */
  static final String RELATION = "rgal-relation";
  static final double RGAL_WEIGHT = 0.1;
  /** {@code --inversion} for the method's own generator. */
  static final String GENERATOR = "generator";
  /** Tracked per-task accuracy (pooled) as final metrics {@code incremental.accuracy_after_task_<t>}, for plots across runs. */
  static final String CURVE_PREFIX = "incremental.accuracy_after_task_";

  @Mixin CommonOptions common;
  @Mixin TrackingOptions tracking;
  @Spec CommandSpec spec;

  @Option(names = "--dataset", defaultValue = "fashion-mnist", description = "Dataset (default: ${DEFAULT-VALUE}).")
  String dataset;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Training files (default: the dataset's standard location).")
  @Nullable Path dataDir;

  @Option(names = "--test-data", paramLabel = "DIR", description = "Test files (default: --data-dir).")
  @Nullable Path testData;

  @Option(names = "--arch", defaultValue = "lenet5-bn", description = "Architecture (default: ${DEFAULT-VALUE}).")
  String arch;

  @Option(names = "--tasks", required = true, paramLabel = "SPLIT",
      description = "Classes per task (2,2,2,2,2) or a named split (b0-inc2, b5-inc1, b0-inc1).")
  String tasks;

  @Option(names = "--class-order", defaultValue = "O0", paramLabel = "ORDER",
      description = "O0, O1, O2 (the fixture orders) or a permutation such as 3,1,0,... (default: ${DEFAULT-VALUE}).")
  String classOrder;

  @Option(names = "--method", required = true, description = "ft, joint, lwf, abd, rdfcil; abd+rgal and rdfcil+rgal add RGAL's relation terms (spec §7.5).")
  String method;

  @Option(names = "--epochs", defaultValue = "10", description = "Epochs per task (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "128", description = "Real images per step (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--images-per-task", defaultValue = "0", paramLabel = "N",
      description = "Use at most N real images per task, 0 = all (default: ${DEFAULT-VALUE}); for smoke runs.")
  int imagesPerTask;

  @Option(names = "--inversion-steps", defaultValue = "2000", paramLabel = "N",
      description = "Generator steps at each task boundary for the inversion methods (abd) (default: ${DEFAULT-VALUE}).")
  int inversionSteps;

  @Option(names = "--inversion", defaultValue = GENERATOR, paramLabel = "ENGINE",
      description = {"Inversion engine of abd/rdfcil: '" + GENERATOR + "' (the method's own, default) or a toolkit synthesizer",
          "by method name (fast, cmi, deepinversion) with its default preset's synthesizer, terms and batch."})
  String inversion;

  @Option(names = "--seed", defaultValue = "0", description = "Trial seed r; task t uses 100·r + t (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Run directory (task-<t>/ models, matrix.csv).")
  Path out;

  @Option(names = "--grid-cell", hidden = true, paramLabel = "ID", description = "Set by rgal compare --incremental: the run's grid cell (tag grid.cell).")
  @Nullable String gridCell;

  @Option(names = "--resume", description = "Continue the run in --out after its last complete task.")
  boolean resume;

  @Override
  public Integer call() {
    PrintWriter pw = spec.commandLine().getOut();
    int classes = Datasets.dataSpec(dataset).numClasses();
    ClassOrder order = ClassOrder.parse(classOrder, classes);
    TaskSplit split = TaskSplit.parse(tasks, classes);
    IncrementalMethod m = IncrementalRun.method(method);
    IncrementalSchedule schedule = new IncrementalSchedule(epochs, batchSize, 1e-3, 2, true, imagesPerTask, inversionSteps);
    String resumeRunId = resume ? previousRunId() : null;
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("task", "incremental");
    tags.put("method", method);
    tags.put("incremental.split", split.name());
    tags.put("incremental.classOrder", order.name());
    tags.put("data.real_old_images", Boolean.toString(m.usesRealOldData()));
    tags.put("variant", GENERATOR.equals(inversion) ? split.name() : split.name() + "-" + inversion);
    tags.put("incremental.inversion", inversion);
    if (gridCell != null) {
      tags.put(ClusterCompare.CELL_TAG, gridCell);
    }
    tags.put(RunMetrics.TASK_METRICS_TAG, String.join(",", "final.tasks_mean_final_accuracy",
        "final.pooled_avg_incremental_accuracy", "final.tasks_mean_avg_incremental_accuracy", "final.forgetting"));
    long t0 = System.nanoTime();
    try (PluginHost host = PluginHost.discover(common.pluginDirsOrDefault()); NDManager termManager = NDManager.newBaseManager()) {
      Map<String, ArchitectureFactory> architectures = host.registry(Registry.ARCHITECTURES, ArchitectureFactory.class);
      RelationTerms relation = "rgal".equals(IncrementalRun.extension(method))
          ? rgalTerms(host, architectures, termManager) : RelationTerms.none();
      SynthesizerInversion engine = GENERATOR.equals(inversion) ? null : synthesizerInversion(host);
      IncrementalRun.Request request = new IncrementalRun.Request(dataset, dataDir, testData, arch, order, split, method,
          schedule, seed, out, resume, relation, engine);
      IncrementalRun.Result result = tracking.tracked(host, "rgal-incremental",
          method + " " + split.name() + " " + order.name() + " seed " + seed, tags, resumeRunId, run -> {
            if (run != null && resumeRunId == null) {
              Map<String, String> params = new LinkedHashMap<>(schedule.asMap());
              params.put("method", method);
              params.put("architecture", arch);
              params.put("dataset", dataset);
              params.put("split", split.sizes().toString());
              params.put("classOrder", order.classes().toString());
              params.put("seed", Long.toString(seed));
              params.put("inversion", inversion);
              run.logParams(params);
            }
            IncrementalRun.Result r = IncrementalRun.run(request, architectures, new ConsoleProgress(common.quiet, System.out), report -> {
              AccuracyMatrix mx = report.matrix();
              int t = report.task();
              pw.printf(Locale.ROOT, "task %d/%d%s: seen classes %.2f%% (mean of tasks) / %.2f%% (pooled), old %s, new %.2f%%%n",
                  t, split.tasks(), report.resumed() ? " (resumed from its saved model)" : "",
                  100 * report.metrics().get("accuracy_mean_of_tasks"), 100 * report.metrics().get("accuracy_pooled"),
                  t == 1 ? "n/a" : String.format(Locale.ROOT, "%.2f%%", 100 * mx.oldAccuracy(t)), 100 * mx.newAccuracy(t));
              if (!report.resumed()) {
                pw.printf("  real classes read: %s%n", report.realClassesTouched());
              }
              pw.print(indent(mx.toCsv()));
              pw.flush();
              if (run != null) {
                run.logMetrics(t, report.metrics());
                if (!report.resumed()) {
                  run.setTags(Map.of("incremental.real_classes.task" + t, report.realClassesTouched().toString()));
                }
                if (t == 1 && resumeRunId == null) {
                  AtomicFiles.writeString(out.resolve(TRACKING), run.runId(), AtomicFiles.Existing.REPLACE);
                }
              }
            });
            if (run != null) {
              Map<String, Double> fin = new LinkedHashMap<>(r.finalMetrics());
              // the columns 'rgal runs' reads: A_T (pooled) as the last accuracy, minutes, images, memory
              fin.put(RunMetrics.FINAL_LAST_ACCURACY, r.finalMetrics().get("final.pooled_final_accuracy"));
              fin.put(RunMetrics.FINAL_SYNTHESIS_MINUTES, sum(r, "train_inversion_minutes"));
              fin.put(RunMetrics.FINAL_KD_MINUTES, (System.nanoTime() - t0) / 6e10 - sum(r, "train_inversion_minutes"));
              fin.put(RunMetrics.FINAL_IMAGES_SYNTHESIZED, sum(r, "train_synthetic_images"));
              fin.put(RunMetrics.FINAL_PEAK_RSS_MIB, ProcessMemory.peakRssBytes() / 1048576.0);
              for (int t = 1; t <= split.tasks(); t++) {
                fin.put(CURVE_PREFIX + t, r.matrix().accuracyAfter(t, AccuracyMatrix.Averaging.POOLED));
              }
              run.logMetrics(split.tasks(), fin);
              run.logArtifact(r.matrixCsv(), "");
              run.logArtifact(out.resolve(IncrementalRun.IDENTITY), "");
              run.logArtifact(out.resolve(IncrementalRun.PLOT), "");
              for (int t = 2; t <= split.tasks(); t++) {
                Path grid = out.resolve("replay-task-" + t + ".png");
                if (Files.isRegularFile(grid)) {
                  run.logArtifact(grid, "replay");
                }
              }
            }
            return r;
          });
      double minutes = (System.nanoTime() - t0) / 6e10;
      Map<String, Double> f = result.finalMetrics();
      pw.printf(Locale.ROOT, "%nfinal accuracy A_T: %.2f%% (%s), %.2f%% (%s)%n",
          100 * f.get("final.tasks_mean_final_accuracy"), AccuracyMatrix.Averaging.MEAN_OF_TASKS.definition(),
          100 * f.get("final.pooled_final_accuracy"), AccuracyMatrix.Averaging.POOLED.definition());
      pw.printf(Locale.ROOT, "average incremental accuracy: %.2f%% / %.2f%% with the base state, %.2f%% / %.2f%% without (mean of tasks / pooled)%n",
          100 * f.get("final.tasks_mean_avg_incremental_accuracy"), 100 * f.get("final.pooled_avg_incremental_accuracy"),
          100 * f.get("final.tasks_mean_avg_incremental_no_base_accuracy"), 100 * f.get("final.pooled_avg_incremental_no_base_accuracy"));
      pw.printf(Locale.ROOT, "average forgetting F_T: %.2f points (Chaudhry et al.)%n", 100 * f.get("final.forgetting"));
      pw.printf(Locale.ROOT, "method %s%s, %d tasks, %.2f min, peak RSS %s; matrix %s; final model %s (rgal eval/export take it)%n",
          method, m.usesRealOldData() ? " (uses real old data: an upper bound)" : "", split.tasks(), minutes,
          ProcessMemory.mib(ProcessMemory.peakRssBytes()), result.matrixCsv(), IncrementalRun.deployableDir(out, split.tasks()));
      pw.flush();
      return 0;
    }
  }

  /**
   * RGAL's relation terms where spec §7.5 puts them, weight 0.1 each: in the generator's loss
   * (on M_{t−1}'s stages; the model being trained is still M_{t−1} at inversion time) and on the
   * synthetic half of each training batch. From the plugin registry, by the rgal plugin's names.
   */
  private RelationTerms rgalTerms(PluginHost host, Map<String, ArchitectureFactory> architectures, NDManager manager) {
    Map<String, SynthesisTermFactory> synth = host.registry(Registry.SYNTHESIS_TERMS, SynthesisTermFactory.class);
    Map<String, StudentTermFactory> student = host.registry(Registry.STUDENT_TERMS, StudentTermFactory.class);
    if (!synth.containsKey(RELATION) || !student.containsKey(RELATION)) {
      throw new DfkdException(method + " needs the rgal plugin's '" + RELATION + "' terms: put its jar in --plugin-dir");
    }
    ArchitectureFactory f = architectures.get(arch);
    if (f == null) {
      throw new DfkdException("unknown architecture '" + arch + "'; known: " + String.join(", ", new java.util.TreeSet<>(architectures.keySet())));
    }
    DataSpec data = Datasets.dataSpec(dataset);
    NetInfo info;
    try (NDManager m = manager.newSubManager(); var probe = f.create(m, data.channels(), data.height(), data.width(), data.numClasses())) {
      info = probe.info();
    }
    SpecValidator validator = new SpecValidator(host);
    ComponentRequest synthRequest = new ComponentRequest(validator.options(Registry.SYNTHESIS_TERMS, RELATION,
        new Settings(Map.of("target", "teacher")), "synthesisTerms"), seed, info, info, data, manager);
    ComponentRequest replayRequest = new ComponentRequest(validator.options(Registry.STUDENT_TERMS, RELATION,
        new Settings(Map.of()), "studentTerms"), seed, info, info, data, manager);
    return new RelationTerms(List.of(new WeightedTerm<>(RELATION, RGAL_WEIGHT, synth.get(RELATION).create(synthRequest))),
        List.of(new WeightedTerm<>(RELATION, RGAL_WEIGHT, student.get(RELATION).create(replayRequest))));
  }

  /**
   * The toolkit synthesizer named by {@code --inversion}, from that method's default preset: its
   * synthesizer and non-zero synthesis terms (options validated as for distillation), synthesis
   * batch and warm-up calls; created afresh for each task, for a teacher of K_o classes.
   */
  private SynthesizerInversion synthesizerInversion(PluginHost host) {
    if (inversion.contains("+")) {
      throw new DfkdException("--inversion takes a base method (e.g. fast), not '" + inversion
          + "': RGAL's terms come with --method " + IncrementalRun.method(method).name() + "+rgal");
    }
    if (!host.registry(Registry.METHODS, dev.rgal.api.MethodDefinition.class).containsKey(inversion)) {
      throw new DfkdException("unknown --inversion '" + inversion + "': give " + GENERATOR + " or a method of 'rgal plugins' ("
          + String.join(", ", new java.util.TreeSet<>(host.registry(Registry.METHODS, dev.rgal.api.MethodDefinition.class).keySet())) + ")");
    }
    RunSpec preset = new MethodResolver(host).resolve(inversion, null, Map.of());
    SpecValidator validator = new SpecValidator(host);
    Map<String, SynthesizerFactory> synthesizers = host.registry(Registry.SYNTHESIZERS, SynthesizerFactory.class);
    Map<String, SynthesisTermFactory> terms = host.registry(Registry.SYNTHESIS_TERMS, SynthesisTermFactory.class);
    SynthesizerInversion.Factory factory = (data, teacher, student, manager) -> {
      java.util.function.BiFunction<dev.rgal.api.options.OptionValues, NDManager, ComponentRequest> request =
          (options, m) -> new ComponentRequest(options, seed, teacher, student, data, m);
      var synthesizer = synthesizers.get(preset.synthesizer().name()).create(request.apply(validator.options(Registry.SYNTHESIZERS,
          preset.synthesizer().name(), preset.synthesizer().settings(), "synthesizer"), manager));
      List<WeightedTerm<dev.rgal.api.synthesis.SynthesisTerm>> weighted = new java.util.ArrayList<>();
      for (TermSpec t : preset.synthesisTerms()) {
        if (t.weight() != 0) {
          weighted.add(new WeightedTerm<>(t.name(), t.weight(), terms.get(t.name()).create(request.apply(
              validator.options(Registry.SYNTHESIS_TERMS, t.name(), t.settings(), "synthesisTerms." + t.name()), manager))));
        }
      }
      return new SynthesizerInversion.Parts(synthesizer, weighted);
    };
    return new SynthesizerInversion(inversion, factory, preset.schedule().synthesisBatchSize(), preset.schedule().warmupCalls());
  }

  private static double sum(IncrementalRun.Result r, String metric) {
    return r.taskMetrics().stream().mapToDouble(m -> m.getOrDefault(metric, 0.0)).sum();
  }

  private @Nullable String previousRunId() {
    Path f = out.resolve(TRACKING);
    try {
      return Files.isRegularFile(f) ? Files.readString(f).strip() : null;
    } catch (IOException e) {
      throw new DfkdException("cannot read " + f + " (" + e.getMessage() + "): pass --no-tracking or restore the file");
    }
  }

  private static String indent(String csv) {
    StringBuilder sb = new StringBuilder();
    csv.lines().forEach(l -> sb.append("  ").append(l).append('\n'));
    return sb.toString();
  }
}
