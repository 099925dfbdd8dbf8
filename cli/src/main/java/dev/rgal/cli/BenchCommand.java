package dev.rgal.cli;

import dev.rgal.api.Bindings.Registry;
import dev.rgal.api.model.ArchitectureFactory;
import dev.rgal.toolkit.platform.ProcessMemory;
import dev.rgal.kernel.bench.StepBenchmark;
import dev.rgal.kernel.plugin.PluginHost;
import dev.rgal.kernel.run.TrainerBenchmark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rgal bench}: milliseconds per synthesis inner step and per KD step, GFLOP/s, RSS. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Time a synthesis inner step and a KD step for a teacher/student pair; compare with the engine's matmul rate.")
final class BenchCommand implements Callable<Integer> {
  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Option(names = "--teacher-arch", defaultValue = "lenet5-bn", description = "Teacher architecture (default: ${DEFAULT-VALUE}).")
  String teacherArch;

  @Option(names = "--student-arch", defaultValue = "lenet5-half-bn", description = "Student architecture (default: ${DEFAULT-VALUE}).")
  String studentArch;

  @Option(names = "--input", defaultValue = "1x32x32", description = "Input C x H x W (default: ${DEFAULT-VALUE}).")
  String input;

  @Option(names = "--classes", defaultValue = "10", description = "Classes (default: ${DEFAULT-VALUE}).")
  int classes;

  @Option(names = "--batch", defaultValue = "256", description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--ngf", defaultValue = "64", description = "Generator width (default: ${DEFAULT-VALUE}).")
  int ngf;

  @Option(names = "--repeats", defaultValue = "15", description = "Timed repetitions after 3 warm-up ones; the median is reported (default: ${DEFAULT-VALUE}).")
  int repeats;

  @Option(names = "--trainers", split = ",", paramLabel = "METHOD",
      description = "Instead of the step benchmark: ms per student-training step of each method's own trainer, e.g. fast,fast+rgal (needs --teacher), with balanced and unbalanced labels.")
  List<String> trainerMethods = new ArrayList<>();

  @Option(names = "--teacher", paramLabel = "DIR", description = "Teacher directory (with --trainers).")
  @Nullable Path teacher;

  @Option(names = "--test-data", paramLabel = "DIR", description = "Test split the trainer benchmark fills its pool from (default: the dataset's default location).")
  @Nullable Path testData;

  @Option(names = "--profile", paramLabel = "DIR",
      description = "Also record the timed steps with PyTorch's profiler: DIR/synthesis-trace.json and DIR/kd-trace.json (Chrome trace format; times then include the profiler's overhead).")
  @Nullable Path profile;

  @Option(names = "--steps", defaultValue = "20", description = "Training steps per timed epoch with --trainers (default: ${DEFAULT-VALUE}).")
  int steps;

  @Override
  public Integer call() throws java.io.IOException {
    if (!trainerMethods.isEmpty()) {
      return trainers();
    }
    String[] dims = input.toLowerCase(Locale.ROOT).split("x");
    if (dims.length != 3) {
      throw new dev.rgal.api.DfkdException("--input must look like 3x32x32, got '" + input + "'");
    }
    int c = Integer.parseInt(dims[0]);
    int h = Integer.parseInt(dims[1]);
    int w = Integer.parseInt(dims[2]);
    PrintWriter out = spec.commandLine().getOut();
    if (profile != null) {
      Files.createDirectories(profile);
    }
    try (PluginHost host = PluginHost.discover(common.pluginDirsOrDefault())) {
      ArchitectureFactory t = host.require(Registry.ARCHITECTURES, ArchitectureFactory.class, teacherArch);
      ArchitectureFactory s = host.require(Registry.ARCHITECTURES, ArchitectureFactory.class, studentArch);
      StepBenchmark.Result r = StepBenchmark.run(t, s, new StepBenchmark.Setup(c, h, w, classes, batch, 256, ngf, 3, repeats, profile));
      out.printf(Locale.ROOT, "%s -> %s, input %dx%dx%d, batch %d, %d threads%n", teacherArch, studentArch, c, h, w, batch,
          Runtime.getRuntime().availableProcessors());
      out.printf(Locale.ROOT, "synthesis inner step: %.1f ms (median of %d)%n", r.synthesisStepMs(), repeats);
      out.printf(Locale.ROOT, "KD step:              %.1f ms (median of %d), %.1f GFLOP -> %.1f GFLOP/s%n",
          r.kdStepMs(), repeats, r.kdGflop(), r.kdGflops());
      out.printf(Locale.ROOT, "engine matmul:        %.1f GFLOP/s (2048x2048 float32)  -> KD step at %.0f%% of it%n",
          r.matmulGflops(), 100 * r.kdGflops() / r.matmulGflops());
      out.printf(Locale.ROOT, "MACs per image: teacher %,d, student %,d; peak RSS %s%n",
          r.teacherMacsPerImage(), r.studentMacsPerImage(), ProcessMemory.mib(r.peakRssBytes()));
      if (profile != null) {
        out.printf(Locale.ROOT, "profiler traces: %s, %s (open in chrome://tracing or ui.perfetto.dev)%n",
            profile.resolve("synthesis-trace.json"), profile.resolve("kd-trace.json"));
      }
      out.flush();
    }
    return 0;
  }

  private Integer trainers() {
    if (teacher == null) {
      throw new dev.rgal.api.DfkdException("bench --trainers needs --teacher DIR (a trained teacher sets the labels the trainers see)");
    }
    PrintWriter out = spec.commandLine().getOut();
    try (PluginHost host = PluginHost.discover(common.pluginDirsOrDefault())) {
      int timed = Math.max(3, repeats / 3);
      for (boolean unbalanced : new boolean[] {false, true}) {
        List<TrainerBenchmark.Row> rows = TrainerBenchmark.run(host, new TrainerBenchmark.Setup(teacher, testData,
            trainerMethods, unbalanced, 2048, steps, 1, timed));
        out.printf(Locale.ROOT, "%s labels (ordered same-label pairs per batch: %,.0f), median of %d epochs x %d steps after 1 warm-up epoch:%n",
            unbalanced ? "unbalanced (60% one class)" : "balanced", rows.get(0).sameLabelPairsPerBatch(), timed, steps);
        double base = rows.get(0).msPerStep();
        for (TrainerBenchmark.Row r : rows) {
          out.printf(Locale.ROOT, "  %-14s trainer %-5s %7.1f ms/step  (%.2fx %s)%n", r.method(), r.trainer(), r.msPerStep(),
              r.msPerStep() / base, rows.get(0).method());
        }
        out.flush();
      }
      out.printf(Locale.ROOT, "peak RSS %s%n", ProcessMemory.mib(ProcessMemory.peakRssBytes()));
      out.flush();
    }
    return 0;
  }
}
