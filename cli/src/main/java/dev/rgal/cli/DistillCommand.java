package dev.rgal.cli;

import dev.rgal.api.DfkdException;
import dev.rgal.api.RunSpec;
import dev.rgal.toolkit.platform.ProcessMemory;
import dev.rgal.kernel.plugin.PluginHost;
import dev.rgal.kernel.run.DistillResult;
import dev.rgal.kernel.run.MethodResolver;
import java.io.PrintWriter;
import java.util.Locale;
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

  @Mixin RunOptions run;

  @Option(names = "--method", paramLabel = "NAME", description = "Method, optionally with extensions: fast, cmi+rgal, ... ('rgal plugins' lists them).")
  @Nullable String method;

  @Option(names = "--student", paramLabel = "ARCH", description = "Student architecture (overrides the preset).")
  @Nullable String student;

  @Override
  public Integer call() {
    PrintWriter pw = spec.commandLine().getOut();
    try (PluginHost host = PluginHost.discover(common.pluginDirsOrDefault())) {
      run.teacher("distill");
      RunSpec runSpec;
      if (run.resume != null) {
        runSpec = run.resumedSpec(tracking);
      } else {
        if (run.out == null) {
          throw new DfkdException("distill needs --teacher DIR and --out DIR (or --resume DIR)");
        }
        runSpec = new MethodResolver(host).resolve(method == null ? "" : method, run.preset, run.overrides, this::typedFlags);
        if (run.printed(runSpec, pw)) {
          return 0;
        }
      }
      DistillResult r = run.launch(host, common, tracking, "rgal-distill", runSpec, runSpec.method() + " seed " + runSpec.seed());
      pw.printf(Locale.ROOT, "%n%s%s: teacher %s, student last %s, best %s (epoch %d)%n", run.resume != null ? "resumed " : "", runSpec.method(),
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
    if (run.epochs != null) {
      b.epochs(run.epochs);
    }
    if (run.seed != null) {
      b.seed(run.seed);
    }
    return b;
  }

  static String pct(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f%%", 100 * v);
  }
}
