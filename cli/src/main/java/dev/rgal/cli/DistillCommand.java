package dev.rgal.cli;

import dev.rgal.api.DfkdException;
import dev.rgal.api.RunSpec;
import dev.rgal.toolkit.platform.ProcessMemory;
import dev.rgal.kernel.plugin.PluginHost;
import dev.rgal.kernel.run.DistillRequest;
import dev.rgal.kernel.run.DistillResult;
import dev.rgal.kernel.run.Distiller;
import dev.rgal.kernel.run.MethodResolver;
import dev.rgal.kernel.run.RunDirectory;
import dev.rgal.kernel.run.RunInputs;
import dev.rgal.toolkit.spec.RunSpecJson;
import java.io.PrintWriter;
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

/** {@code rgal distill}: a data-free distillation run. */
@Command(name = "distill", mixinStandardHelpOptions = true, description = "Distil a student from a teacher without its training data.")
final class DistillCommand implements Callable<Integer> {
  @Mixin CommonOptions common;
  @Mixin TrackingOptions tracking;
  @Spec CommandSpec spec;

  @Option(names = "--teacher", paramLabel = "DIR", description = "Teacher directory (from 'rgal teacher').")
  @Nullable Path teacher;

  @Option(names = "--method", paramLabel = "NAME", description = "Method, optionally with extensions: fast, cmi+rgal, ... ('rgal plugins' lists them).")
  @Nullable String method;

  @Option(names = "--preset", paramLabel = "NAME", description = "Named preset (default: the method's default preset).")
  @Nullable String preset;

  @Option(names = "--student", paramLabel = "ARCH", description = "Student architecture (overrides the preset).")
  @Nullable String student;

  @Option(names = "--epochs", description = "KD epochs (overrides the preset).")
  @Nullable Integer epochs;

  @Option(names = "--seed", description = "Run seed (overrides the preset).")
  @Nullable Long seed;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override any spec field, e.g. --set synthesisTerms.adv.weight=0.5 --set schedule.kdStepsPerEpoch=50.")
  Map<String, String> overrides = new LinkedHashMap<>();

  @Option(names = "--test-data", paramLabel = "DIR", description = "Real test data to evaluate the student after each epoch.")
  @Nullable Path testData;

  @Option(names = "--out", paramLabel = "DIR", description = "Run directory to create.")
  @Nullable Path out;

  @Option(names = "--resume", paramLabel = "DIR", description = "Continue a killed run from its last completed epoch.")
  @Nullable Path resume;

  @Option(names = "--print-spec", description = "Print the resolved spec as JSON and exit.")
  boolean printSpec;

  @Override
  public Integer call() {
    PrintWriter pw = spec.commandLine().getOut();
    try (PluginHost host = PluginHost.discover(common.pluginDirsOrDefault())) {
      RunSpec runSpec;
      Path runDir;
      String resumeRunId = null;
      if (resume != null) {
        runDir = resume;
        // The run directory says what it is: its spec, and where it was tracked.
        runSpec = RunDirectory.spec(resume);
        var recorded = RunDirectory.tracking(resume);
        resumeRunId = recorded.map(RunDirectory.Tracking::runId).orElse(null);
        recorded.ifPresent(t -> tracking.defaultTrackingUri(t.trackingUri()));
        if (teacher == null) {
          throw new DfkdException("--resume needs --teacher DIR (the same teacher the run started with)");
        }
      } else {
        if (teacher == null || out == null) {
          throw new DfkdException("distill needs --teacher DIR and --out DIR (or --resume DIR)");
        }
        runSpec = new MethodResolver(host).resolve(method == null ? "" : method, preset, overrides, this::typedFlags);
        if (printSpec) {
          pw.println(RunSpecJson.toJsonString(runSpec));
          pw.flush();
          return 0;
        }
        runDir = out;
      }
      DistillRequest untracked = new DistillRequest(teacher, runSpec, testData, runDir, resume != null, null);
      RunInputs.check(host, untracked); // before a tracked run exists: a typo leaves no FAILED run
      String name = runSpec.method() + " seed " + runSpec.seed();
      DistillResult r = tracking.tracked(host, "rgal-distill", name, Map.of("run.dir", runDir.toAbsolutePath().toString()),
          resumeRunId, run -> new Distiller(host, new ConsoleProgress(common.quiet, System.out))
              .run(DistillRequest.builder(teacher, untracked.spec(), runDir).testData(testData)
                  .resume(untracked.resume()).tracked(run).build(), e -> {}));
      pw.printf(Locale.ROOT, "%n%s%s: teacher %s, student last %s, best %s (epoch %d)%n", resume != null ? "resumed " : "", runSpec.method(),
          pct(r.teacherAccuracy()), pct(r.lastAccuracy()), pct(r.bestAccuracy()), r.bestEpoch() + 1);
      pw.printf(Locale.ROOT, "synthesis %.2f min, KD %.2f min, %d images synthesised, peak RSS %s%n",
          r.synthesisMinutes(), r.kdMinutes(), r.imagesSynthesized(), ProcessMemory.mib(ProcessMemory.peakRssBytes()));
      pw.printf("student weights: %s%n", r.studentWeights().toAbsolutePath());
      pw.flush();
      return 0;
    }
  }

  /** The typed flags, straight onto the builder (after any {@code --set}, so a flag wins). */
  private RunSpec.Builder typedFlags(RunSpec.Builder b) {
    if (student != null) {
      b.studentArch(student);
    }
    if (epochs != null) {
      b.epochs(epochs);
    }
    if (seed != null) {
      b.seed(seed);
    }
    return b;
  }

  static String pct(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f%%", 100 * v);
  }
}
