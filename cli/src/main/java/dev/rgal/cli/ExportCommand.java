package dev.rgal.cli;

import dev.rgal.api.DfkdException;
import dev.rgal.api.InstalledPlugins;
import dev.rgal.kernel.plugin.PluginHost;
import dev.rgal.kernel.plugin.PluginInfo;
import dev.rgal.toolkit.teacher.TeacherStore;
import dev.rgal.tribuo.DfkdTribuoModel;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rgal export}: a run's student (or a teacher) as a serialised Tribuo {@code Model<Label>}
 * ({@link DfkdTribuoModel}, Java serialisation; read it back with {@code DfkdTribuoModel.load}).
 */
@Command(name = "export", mixinStandardHelpOptions = true, description = "Export a distilled student (or a teacher) as a Tribuo Model<Label> file.")
final class ExportCommand implements Callable<Integer> {
  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Option(names = "--run", required = true, paramLabel = "DIR",
      description = "A finished distillation run directory (then --teacher is needed), a teacher or model directory (e.g. model-task-<t> of rgal incremental), or a quantized.rgq file.")
  Path run;

  @Option(names = "--teacher", paramLabel = "DIR", description = "The teacher directory the run distilled from.")
  @Nullable Path teacher;

  @Option(names = "--format", defaultValue = "tribuo", description = "Export format; only 'tribuo' (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "File to write; an existing file is never replaced.")
  Path out;

  @Override
  public Integer call() {
    if (!format.equals("tribuo")) {
      throw new DfkdException("unknown export format '" + format + "': use --format tribuo");
    }
    if (Files.exists(out)) {
      throw new DfkdException(out + " already exists: choose another --out or delete it first");
    }
    DfkdTribuoModel model;
    String what;
    if (Files.isRegularFile(run)) {
      // a quantized-model file: the whole network travels inside the Tribuo model
      Map<String, String> about = dev.rgal.quantization.QuantizedModelFile.describe(run);
      model = DfkdTribuoModel.fromNetFile(dev.rgal.quantization.RgqNetFormat.NAME, run,
          dev.rgal.quantization.QuantizedModelFile.dataSpec(run), about.get("architecture"), about);
      what = "quantized " + about.get("architecture") + " " + about.get("bits") + " " + about.get("policy");
    } else if (Files.isRegularFile(run.resolve(TeacherStore.METADATA))) {
      model = DfkdTribuoModel.fromTeacher(run);
      what = "teacher " + model.architecture();
    } else {
      if (!Files.isRegularFile(run.resolve("spec.json")) || !Files.isRegularFile(run.resolve("student.params"))) {
        throw new DfkdException(run + " is neither a finished distillation run (spec.json + student.params) nor a "
            + "teacher directory (teacher.json): pass the --out directory of 'rgal distill' or 'rgal teacher'");
      }
      if (teacher == null) {
        throw new DfkdException("exporting the run " + run + " needs --teacher DIR (the teacher it was distilled from)");
      }
      Map<String, String> versions;
      try (PluginHost host = PluginHost.discover(common.pluginDirsOrDefault())) {
        versions = host.injector().getInstance(InstalledPlugins.class).versions();
      }
      model = DfkdTribuoModel.fromRun(run, teacher, versions);
      what = "student " + model.architecture();
    }
    try {
      model.save(out);
    } finally {
      model.close();
    }
    PrintWriter pw = spec.commandLine().getOut();
    pw.printf("exported %s as a Tribuo Model<Label> to %s%n", what, out);
    pw.flush();
    return 0;
  }
}
