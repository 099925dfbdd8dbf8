package dev.rgal.cli;

import dev.rgal.api.Bindings.Registry;
import dev.rgal.api.model.ArchitectureFactory;
import dev.rgal.toolkit.platform.ProcessMemory;
import dev.rgal.kernel.plugin.PluginHost;
import dev.rgal.toolkit.teacher.TeacherRecipe;
import dev.rgal.toolkit.teacher.TeacherTrainer;
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

/** {@code rgal teacher}: train a teacher on real data ({@code rgal teacher import}: bring one from PyTorch). */
@Command(name = "teacher", mixinStandardHelpOptions = true, description = {"Train a teacher on real data and write a teacher directory (teacher.json + weights).",
    "'rgal teacher import' brings in a teacher trained in PyTorch instead."},
    subcommands = TeacherImportCommand.class)
final class TeacherCommand implements Callable<Integer> {
  @Mixin CommonOptions common;
  @Mixin TrackingOptions tracking;
  @Spec CommandSpec spec;

  @Option(names = "--dataset", defaultValue = "fashion-mnist", description = "fashion-mnist, mnist, cifar10 or cifar100 (default: ${DEFAULT-VALUE}).")
  String dataset;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Dataset files (default: the dataset's standard location).")
  @Nullable Path dataDir;

  @Option(names = "--arch", defaultValue = "lenet5-bn", description = "Architecture (default: ${DEFAULT-VALUE}); 'rgal plugins' lists them.")
  String arch;

  @Option(names = "--epochs", defaultValue = "10", description = "Epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--optimizer", defaultValue = "adam", description = "adam or sgd (momentum 0.9) (default: ${DEFAULT-VALUE}).")
  String optimizer;

  @Option(names = "--lr", defaultValue = "1e-3", description = "Learning rate (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--weight-decay", defaultValue = "0", description = "Weight decay (default: ${DEFAULT-VALUE}).")
  double weightDecay;

  @Option(names = "--schedule", defaultValue = "constant", description = "constant, cosine or step (default: ${DEFAULT-VALUE}).")
  String schedule;

  @Option(names = "--batch-size", defaultValue = "256", description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--crop-padding", defaultValue = "2", description = "Random-crop zero padding, 0 for none (default: ${DEFAULT-VALUE}).")
  int cropPadding;

  @Option(names = "--no-flip", description = "No random horizontal flips.")
  boolean noFlip;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of every random source (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--limit", defaultValue = "0", paramLabel = "N", description = "Train on the first N training images only (0 = all).")
  int limit;

  // not required = true: picocli would then demand it before the 'import' subcommand too
  @Option(names = "--out", paramLabel = "DIR", description = "Teacher directory to write (required).")
  @Nullable Path out;

  @Option(names = "--force", description = "Replace a teacher already in --out.")
  boolean force;

  @Override
  public Integer call() {
    PrintWriter pw = spec.commandLine().getOut();
    Path out = this.out;
    if (out == null) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--out=DIR'");
    }
    if (epochs < 1 || batchSize < 1 || lr <= 0) {
      throw new dev.rgal.api.DfkdException("--epochs, --batch-size and --lr must be positive");
    }
    try (PluginHost host = PluginHost.discover(common.pluginDirsOrDefault())) {
      TeacherRecipe recipe = new TeacherRecipe(optimizer, lr, weightDecay, schedule, epochs, batchSize,
          cropPadding, !noFlip, seed);
      long t0 = System.nanoTime();
      TeacherTrainer.Result r = tracking.tracked(host, "rgal-teacher", arch + " on " + dataset + " seed " + seed,
          Map.of("kind", "teacher", "architecture", arch, "dataset", dataset), run -> {
            if (run != null) {
              Map<String, String> params = new LinkedHashMap<>(recipe.asMap());
              params.put("architecture", arch);
              params.put("dataset", dataset);
              run.logParams(params);
            }
            TeacherTrainer.Result res = TeacherTrainer.train(
                new TeacherTrainer.Request(dataset, dataDir, arch, recipe, out, force, limit),
                host.registry(Registry.ARCHITECTURES, ArchitectureFactory.class),
                new ConsoleProgress(common.quiet, System.out), e -> {
                  if (run != null) {
                    run.logMetrics(e.epoch(), Map.of("train_loss", e.trainLoss(), "test_accuracy", e.testAccuracy(),
                        "epoch_seconds", e.seconds()));
                  }
                });
            if (run != null) {
              run.setTags(Map.of("teacher.sha256", res.metadata().weightsSha256()));
              run.logArtifact(out.resolve(dev.rgal.toolkit.teacher.TeacherStore.METADATA), "");
            }
            return res;
          });
      double secs = (System.nanoTime() - t0) / 1e9;
      pw.printf(Locale.ROOT, "teacher %s on %s: test accuracy %.2f%% after %d epochs (%.1f s, %.1f s/epoch, peak RSS %s)%n",
          arch, dataset, 100 * r.metadata().testAccuracy(), epochs, secs, secs / epochs,
          ProcessMemory.mib(ProcessMemory.peakRssBytes()));
      pw.printf("saved to %s (sha256 %s)%n", out.toAbsolutePath(), r.metadata().weightsSha256());
      pw.flush();
      return 0;
    }
  }
}
