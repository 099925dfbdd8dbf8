package dev.rgal.cli;

import dev.rgal.api.Bindings.Registry;
import dev.rgal.api.model.ArchitectureFactory;
import dev.rgal.kernel.plugin.PluginHost;
import dev.rgal.toolkit.teacher.TeacherImport;
import dev.rgal.toolkit.teacher.TeacherMetadata;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rgal teacher import}: a teacher directory from a PyTorch state dict. */
@Command(name = "import", mixinStandardHelpOptions = true, description = {
    "Write a teacher directory from a PyTorch state dict (.safetensors or .npz) with the reference names.",
    "Every tensor is checked by name and shape; see docs/teachers.md for the Python export."})
final class TeacherImportCommand implements Callable<Integer> {
  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Option(names = "--arch", required = true, paramLabel = "NAME", description = "Architecture of the weights, e.g. resnet34, wrn-40-2, lenet5 ('rgal plugins' lists them).")
  String arch = "";

  @Option(names = "--weights", required = true, paramLabel = "FILE", description = "The state dict: .safetensors (safetensors.torch.save_file) or .npz (numpy.savez).")
  Path weights = Path.of("");

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Teacher directory to write.")
  Path out = Path.of("");

  @Option(names = "--dataset", defaultValue = "fashion-mnist", description = "Dataset the teacher was trained on: input shape, normalisation, classes (default: ${DEFAULT-VALUE}).")
  String dataset = "fashion-mnist";

  @Option(names = "--classes", paramLabel = "K", description = "Classes of the teacher's output (default: the dataset's).")
  @Nullable Integer classes;

  @Option(names = "--channels", paramLabel = "C", description = "Input channels (default: the dataset's; must match them).")
  @Nullable Integer channels;

  @Option(names = "--test-data", paramLabel = "DIR", description = "The dataset's directory: measure the teacher's test accuracy (else it is recorded as unknown).")
  @Nullable Path testData;

  @Option(names = "--force", description = "Replace a teacher already in --out.")
  boolean force;

  @Override
  public Integer call() {
    PrintWriter pw = spec.commandLine().getOut();
    try (PluginHost host = PluginHost.discover(common.pluginDirsOrDefault())) {
      TeacherMetadata m = TeacherImport.run(
          new TeacherImport.Request(arch, weights, out, dataset, classes, channels, testData, force),
          host.registry(Registry.ARCHITECTURES, ArchitectureFactory.class));
      pw.printf(Locale.ROOT, "imported %s (%s, %d classes) from %s: test accuracy %s%n", arch, dataset, m.numClasses(),
          weights, Double.isNaN(m.testAccuracy()) ? "not measured (pass --test-data DIR)"
              : String.format(Locale.ROOT, "%.2f%%", 100 * m.testAccuracy()));
      pw.printf("saved to %s (sha256 %s)%n", out.toAbsolutePath(), m.weightsSha256());
      pw.flush();
      return 0;
    }
  }
}
