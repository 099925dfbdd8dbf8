package dev.rgal.cli;

import dev.rgal.api.ComponentSpec;
import dev.rgal.api.DfkdException;
import dev.rgal.api.RunSpec;
import dev.rgal.kernel.plugin.PluginHost;
import dev.rgal.kernel.run.DistillRequest;
import dev.rgal.kernel.run.DistillResult;
import dev.rgal.kernel.run.Distiller;
import dev.rgal.kernel.run.MethodResolver;
import dev.rgal.kernel.run.RunDirectory;
import dev.rgal.kernel.run.RunInputs;
import dev.rgal.toolkit.platform.ProcessMemory;
import dev.rgal.toolkit.spec.RunSpecJson;
import dev.rgal.toolkit.teacher.TeacherStore;
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

/**
 * {@code rgal quantize}: a low-bit copy of the teacher, calibrated (PTQ) and optionally fine-tuned
 * against it (QAT-KD) on images from one data source: a distillation method with its terms
 * ({@code fast}, {@code cmi+rgal}, ...), {@code noise}, or {@code real} (the labelled upper bound).
 * It is {@code distill} with the {@code +quantize} extension and the quantize task's options.
 */
@Command(name = "quantize", mixinStandardHelpOptions = true,
    description = "Quantize a teacher to low bit widths, calibrated and fine-tuned on synthetic data only.")
final class QuantizeCommand implements Callable<Integer> {
  /** The extension (bound by the quantization plugin) that makes any method a quantization run. */
  static final String EXTENSION = "quantize";

  enum Mode { ptq, qat }

  @Mixin CommonOptions common;
  @Mixin TrackingOptions tracking;
  @Spec CommandSpec spec;

  @Option(names = "--teacher", paramLabel = "DIR", description = "Full-precision teacher directory (from 'rgal teacher').")
  @Nullable Path teacher;

  @Option(names = "--bits", paramLabel = "wNaM", description = "Weight and activation widths, 2-8 or 32: w4a4, w3a3, w4a32, ... (default: the task's, w4a4).")
  @Nullable String bits;

  @Option(names = "--policy", paramLabel = "all-k|ends-8", description = "Layer policy (default: the task's, all-k).")
  @Nullable String policy;

  @Option(names = "--mode", description = "ptq: calibrate only; qat: calibrate, then fine-tune with KD (default: ${DEFAULT-VALUE}).", defaultValue = "qat")
  Mode mode = Mode.qat;

  @Option(names = "--data", paramLabel = "SOURCE", description = "Calibration/fine-tuning data: noise, real, or a method with extensions (fast, cmi+rgal, deepinversion, ...).")
  @Nullable String data;

  @Option(names = "--train-data", paramLabel = "DIR", description = "The real training split, for --data real only.")
  @Nullable Path trainData;

  @Option(names = "--preset", paramLabel = "NAME", description = "Preset of the data source's method (default: its default preset).")
  @Nullable String preset;

  @Option(names = "--epochs", description = "QAT epochs (overrides the preset; not with --mode ptq).")
  @Nullable Integer epochs;

  @Option(names = "--seed", description = "Run seed (overrides the preset).")
  @Nullable Long seed;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override any spec field, e.g. --set task.settings.estimator=min-max --set trainer.settings.lr=3e-4.")
  Map<String, String> overrides = new LinkedHashMap<>();

  @Option(names = "--test-data", paramLabel = "DIR", description = "Real test data: PTQ accuracy and per-epoch accuracy of the quantized model.")
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
      if (teacher == null) {
        throw new DfkdException("quantize needs --teacher DIR (the full-precision model to quantize)");
      }
      if (resume != null) {
        runDir = resume;
        runSpec = RunDirectory.spec(resume);
        var recorded = RunDirectory.tracking(resume);
        resumeRunId = recorded.map(RunDirectory.Tracking::runId).orElse(null);
        recorded.ifPresent(t -> tracking.defaultTrackingUri(t.trackingUri()));
      } else {
        if (data == null || out == null) {
          throw new DfkdException("quantize needs --data SOURCE and --out DIR (or --resume DIR); sources: noise, real, or a method such as fast or cmi+rgal");
        }
        if (data.equals("none")) {
          throw new DfkdException("--data none (weight-only ranges, activation ranges from BN: row R1) is not built yet: use --data noise, real or a method");
        }
        if (mode == Mode.ptq && epochs != null && epochs != 0) {
          throw new DfkdException("--mode ptq calibrates only: drop --epochs " + epochs + " or use --mode qat");
        }
        if (mode == Mode.qat && epochs != null && epochs < 1) {
          throw new DfkdException("--mode qat needs --epochs ≥ 1 (got " + epochs + "); use --mode ptq to calibrate only");
        }
        boolean real = data.equals("real") || data.startsWith("real+");
        if (real && trainData == null) {
          throw new DfkdException("--data real needs --train-data DIR (the real training split: this row is the real-data upper bound)");
        }
        if (!real && trainData != null) {
          throw new DfkdException("--train-data is only for --data real; a data-free source never reads a training image");
        }
        String teacherArch = TeacherStore.readMetadata(teacher).architecture();
        runSpec = new MethodResolver(host).resolve(data + "+" + EXTENSION, preset, overrides, b -> {
          RunSpec current = b.build();
          ComponentSpec task = current.task();
          if (bits != null) {
            task = task.with("bits", bits);
          }
          if (policy != null) {
            task = task.with("policy", policy);
          }
          b.task(task).studentArch(teacherArch);
          if (real) {
            b.synthesizer(current.synthesizer().with("dir", trainData.toAbsolutePath().toString()));
          }
          if (mode == Mode.ptq) {
            b.epochs(0);
          } else if (epochs != null) {
            b.epochs(epochs);
          }
          if (seed != null) {
            b.seed(seed);
          }
          return b;
        });
        if (printSpec) {
          pw.println(RunSpecJson.toJsonString(runSpec));
          pw.flush();
          return 0;
        }
        runDir = out;
      }
      DistillRequest untracked = new DistillRequest(teacher, runSpec, testData, runDir, resume != null, null);
      RunInputs.check(host, untracked);
      Map<String, String> settings = runSpec.task().settings().values();
      String name = runSpec.method() + " " + settings.getOrDefault("bits", "?") + " seed " + runSpec.seed();
      DistillResult r = tracking.tracked(host, "rgal-quantize", name, Map.of("run.dir", runDir.toAbsolutePath().toString()),
          resumeRunId, run -> new Distiller(host, new ConsoleProgress(common.quiet, System.out))
              .run(DistillRequest.builder(teacher, untracked.spec(), runDir).testData(testData)
                  .resume(untracked.resume()).tracked(run).build(), e -> {}));
      Map<String, Double> m = r.taskMetrics();
      pw.printf(Locale.ROOT, "%n%s%s %s %s: FP %s, PTQ %s", resume != null ? "resumed " : "", runSpec.method(),
          settings.getOrDefault("bits", "?"), settings.getOrDefault("policy", "?"), DistillCommand.pct(r.teacherAccuracy()),
          DistillCommand.pct(m.getOrDefault("quant.ptq_accuracy", Double.NaN)));
      if (!r.history().isEmpty()) {
        pw.printf(Locale.ROOT, ", QAT last %s, best %s (epoch %d)", DistillCommand.pct(r.lastAccuracy()),
            DistillCommand.pct(r.bestAccuracy()), r.bestEpoch() + 1);
      }
      pw.printf(Locale.ROOT, ", top-1 agreement with FP %s%n", DistillCommand.pct(m.getOrDefault("quant.teacher_agreement", Double.NaN)));
      pw.printf(Locale.ROOT, "images %d, synthesis %.2f min, QAT %.2f min, peak RSS %s%n", r.imagesSynthesized(),
          r.synthesisMinutes(), r.kdMinutes(), ProcessMemory.mib(ProcessMemory.peakRssBytes()));
      pw.printf("quantized model: %s (reloaded: %s)%n", r.studentWeights().toAbsolutePath(),
          DistillCommand.pct(m.getOrDefault("quant.model_accuracy", Double.NaN)));
      pw.flush();
      return 0;
    }
  }
}
