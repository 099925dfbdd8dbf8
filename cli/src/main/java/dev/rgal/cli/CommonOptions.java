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

  @Option(names = "--plugin-dir", paramLabel = "DIR",
      description = "Directory of plugin jars (default: ./plugins). Repeatable.")
  List<Path> pluginDirs = new ArrayList<>();

  List<Path> pluginDirsOrDefault() {
    return pluginDirs.isEmpty() ? List.of(Path.of("plugins")) : pluginDirs;
  }
}
