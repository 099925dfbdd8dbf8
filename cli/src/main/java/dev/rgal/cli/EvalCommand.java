package dev.rgal.cli;

import ai.djl.ndarray.NDManager;
import dev.rgal.api.DataSpec;
import dev.rgal.api.DfkdException;
import dev.rgal.quantization.QuantizedModelFile;
import dev.rgal.quantization.QuantizedNet;
import dev.rgal.toolkit.data.Datasets;
import dev.rgal.toolkit.data.ImageDataset;
import dev.rgal.toolkit.teacher.Evaluation;
import dev.rgal.toolkit.teacher.TeacherStore;
import dev.rgal.toolkit.teacher.LoadedTeacher;
import dev.rgal.kernel.plugin.PluginHost;
import dev.rgal.api.Bindings.Registry;
import dev.rgal.api.model.ArchitectureFactory;
import java.io.PrintWriter;
import java.nio.file.Files;
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

/** {@code rgal eval}: reloads a quantized-model file and measures it on real test data. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Evaluate a quantized model file or a model directory (teacher.json + weights, e.g. an incremental run's model-task-<t>) on real test data.")
final class EvalCommand implements Callable<Integer> {
  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "FILE", description = "A quantized-model file (quantized.rgq from 'rgal quantize') or a model directory (teacher.json + weights: a teacher, or model-task-<t> of 'rgal incremental').")
  Path model;

  @Option(names = "--arch", paramLabel = "NAME", description = "Refuse a model of another architecture.")
  @Nullable String arch;

  @Option(names = "--test-data", required = true, paramLabel = "DIR", description = "Directory holding the real data (the test split unless --split train).")
  Path testData;

  enum Split { test, train }

  @Option(names = "--split", paramLabel = "SPLIT", description = "test (default) or train: evaluate on the training split, e.g. its held-out tail with --last.")
  Split split = Split.test;

  @Option(names = "--last", paramLabel = "N", description = "Only the last N images of the split (file order), e.g. the slice a 'real' source held out with synthesizer.settings.holdOut=N.")
  @Nullable Integer last;

  @Override
  public Integer call() {
    if (Files.isRegularFile(model.resolve(TeacherStore.METADATA))) {
      return evalDirectory();
    }
    if (!Files.isRegularFile(model)) {
      throw new DfkdException("--model " + model + ": no such file; pass the quantized.rgq of a 'rgal quantize' run");
    }
    Map<String, String> about = QuantizedModelFile.describe(model);
    PrintWriter pw = spec.commandLine().getOut();
    try (NDManager m = NDManager.newBaseManager(); QuantizedNet net = QuantizedModelFile.read(model, arch, m)) {
      DataSpec data = QuantizedModelFile.dataSpec(model);
      ImageDataset test = Datasets.open(data.dataset(), testData, split == Split.train ? Datasets.Split.TRAIN : Datasets.Split.TEST);
      if (last != null) {
        if (last < 1 || last > test.size()) {
          throw new DfkdException("--last " + last + ": the " + split + " split has " + test.size() + " images; give 1 to " + test.size());
        }
        test = test.tail(last);
      }
      double acc = Evaluation.accuracy(net, test, data, m);
      pw.printf(Locale.ROOT, "%s %s %s: top-1 %.2f%% on %d " + split + " images (%s)%n", about.get("architecture"),
          about.get("bits"), about.get("policy"), 100 * acc, test.size(), model);
      pw.printf(Locale.ROOT, "accuracy=%.6f%n", acc);
    }
    pw.flush();
    return 0;
  }

  private Integer evalDirectory() {
    PrintWriter pw = spec.commandLine().getOut();
    try (PluginHost host = PluginHost.discover(common.pluginDirsOrDefault()); NDManager m = NDManager.newBaseManager()) {
      LoadedTeacher loaded = TeacherStore.load(model, host.registry(Registry.ARCHITECTURES, ArchitectureFactory.class), m);
      if (arch != null && !arch.equals(loaded.metadata().architecture())) {
        throw new DfkdException(model + " is a " + loaded.metadata().architecture() + ", not " + arch + ": pass the right --arch or model");
      }
      DataSpec data = loaded.metadata().dataSpec();
      ImageDataset test = Datasets.open(data.dataset(), testData, split == Split.train ? Datasets.Split.TRAIN : Datasets.Split.TEST);
      if (last != null) {
        if (last < 1 || last > test.size()) {
          throw new DfkdException("--last " + last + ": the " + split + " split has " + test.size() + " images; give 1 to " + test.size());
        }
        test = test.tail(last);
      }
      double acc = Evaluation.accuracy(loaded.net(), test, data, m);
      pw.printf(Locale.ROOT, "%s: top-1 %.2f%% on %d " + split + " images (%s)%n", loaded.metadata().architecture(), 100 * acc,
          test.size(), model);
      pw.printf(Locale.ROOT, "accuracy=%.6f%n", acc);
      loaded.net().close();
    }
    pw.flush();
    return 0;
  }
}
