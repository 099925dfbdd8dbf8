package dev.rgal.cli;

import dev.rgal.api.ComponentSpec;
import dev.rgal.api.DfkdException;
import dev.rgal.api.RunSpec;
import dev.rgal.kernel.plugin.PluginHost;
import dev.rgal.kernel.run.DistillResult;
import dev.rgal.kernel.run.MethodResolver;
import dev.rgal.toolkit.platform.ProcessMemory;
import dev.rgal.toolkit.teacher.TeacherStore;
import java.io.PrintWriter;
import java.nio.file.Path;
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
  @Mixin RunOptions run;

  @Option(names = "--bits", paramLabel = "wNaM", description = "Weight and activation widths, 2-8 or 32: w4a4, w3a3, w4a32, ... (default: the task's, w4a4).")
  @Nullable String bits;

  @Option(names = "--policy", paramLabel = "all-k|ends-8", description = "Layer policy (default: the task's, all-k).")
  @Nullable String policy;

  @Option(names = "--mode", description = "ptq: calibrate only; qat: calibrate, then fine-tune with KD (default: qat; ptq for --data none).")
  @Nullable Mode modeOption;

  @Option(names = "--data", paramLabel = "SOURCE", description = "Calibration/fine-tuning data: none (ranges from BN, PTQ only), noise, zeroq, real, or a method with extensions (fast, cmi+rgal, deepinversion, ...).")
  @Nullable String data;

  @Option(names = "--train-data", paramLabel = "DIR", description = "The real training split, for --data real only.")
  @Nullable Path trainData;

  @Override
  public Integer call() {
    PrintWriter pw = spec.commandLine().getOut();
    try (PluginHost host = PluginHost.discover(common.pluginDirsOrDefault())) {
      Path teacher = run.teacher("quantize");
      RunSpec runSpec;
      if (run.resume != null) {
        runSpec = run.resumedSpec(tracking);
      } else {
        if (data == null || run.out == null) {
          throw new DfkdException("quantize needs --data SOURCE and --out DIR (or --resume DIR); sources: none, noise, zeroq, real, or a method such as fast or cmi+rgal");
        }
        boolean none = data.equals("none");
        if (none && modeOption == Mode.qat) {
          throw new DfkdException("--data none has no images to fine-tune on (its activation ranges come from BatchNorm): use --mode ptq, or a data source for QAT");
        }
        Mode mode = modeOption != null ? modeOption : none ? Mode.ptq : Mode.qat;
        Integer epochs = run.epochs;
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
        runSpec = new MethodResolver(host).resolve(data + "+" + EXTENSION, run.preset, run.overrides, b -> {
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
          if (run.seed != null) {
            b.seed(run.seed);
          }
          return b;
        });
        if (run.printed(runSpec, pw)) {
          return 0;
        }
      }
      Map<String, String> settings = runSpec.task().settings().values();
      DistillResult r = run.launch(host, common, tracking, "rgal-quantize", runSpec,
          runSpec.method() + " " + settings.getOrDefault("bits", "?") + " seed " + runSpec.seed());
      Map<String, Double> m = r.taskMetrics();
      pw.printf(Locale.ROOT, "%n%s%s %s %s: FP %s, PTQ %s", run.resume != null ? "resumed " : "", runSpec.method(),
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
