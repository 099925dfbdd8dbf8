package dev.rgal.it;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Runs the rgal command line in a child JVM with the test class path (optionally minus some jars). */
final class Cli {
  record Result(int exit, String out, String err) {}

  private Cli() {}

  static List<String> command(Predicate<String> keepClasspathEntry, String... args) {
    String cp = String.join(File.pathSeparator, Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(keepClasspathEntry).toList());
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", cp, "-Djava.awt.headless=true", "-Dai.djl.offline=true",
        "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "dev.rgal.cli.Main"));
    cmd.addAll(List.of(args));
    return cmd;
  }

  static ProcessBuilder builder(Path workDir, Predicate<String> keep, String... args) {
    ProcessBuilder pb = new ProcessBuilder(command(keep, args)).directory(workDir.toFile());
    pb.environment().put("DJL_OFFLINE", "true");
    pb.environment().put("OPT_OUT_TRACKING", "true");
    return pb;
  }

  static Result run(Path workDir, String... args) throws IOException, InterruptedException {
    return run(workDir, e -> true, args);
  }

  /** As {@link #run(Path, String...)} with the child's environment changed: a null value removes the variable. */
  static Result runWithEnv(Path workDir, java.util.Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    return finish(withEnv(builder(workDir, e -> true, args), env), args);
  }

  static ProcessBuilder withEnv(ProcessBuilder pb, java.util.Map<String, String> env) {
    env.forEach((k, v) -> {
      if (v == null) {
        pb.environment().remove(k);
      } else {
        pb.environment().put(k, v);
      }
    });
    return pb;
  }

  static Result run(Path workDir, Predicate<String> keep, String... args) throws IOException, InterruptedException {
    return finish(builder(workDir, keep, args), args);
  }

  private static Result finish(ProcessBuilder pb, String... args) throws IOException, InterruptedException {
    Path out = Files.createTempFile("cli", ".out");
    Path err = Files.createTempFile("cli", ".err");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(15, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException("rgal " + String.join(" ", args) + " did not finish");
    }
    return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }
}
