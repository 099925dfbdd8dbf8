package dev.rgal.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options every command shares. */
final class CommonOptions {
  @Option(names = {"-v", "--verbose"}, description = "Print stack traces of errors.")
  boolean verbose;

  @Option(names = {"-q", "--quiet"}, description = "No progress bars.")
  boolean quiet;

  /** Read by {@link Main} before the engine starts; declared here so every command accepts it. */
  @Option(names = "--deterministic",
      description = "Bit-reproducible runs: one PyTorch thread (with two, some kernels reduce in a varying order).")
  boolean deterministic;

  @Option(names = "--plugin-dir", paramLabel = "DIR",
      description = "Directory of plugin jars (default: ./plugins). Repeatable.")
  List<Path> pluginDirs = new ArrayList<>();

  List<Path> pluginDirsOrDefault() {
    return pluginDirs.isEmpty() ? List.of(Path.of("plugins")) : pluginDirs;
  }
}
