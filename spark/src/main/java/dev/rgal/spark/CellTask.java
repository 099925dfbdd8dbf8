package dev.rgal.spark;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.resource.ResourceInformation;
import org.jspecify.annotations.Nullable;

/**
 * The Spark task of one grid cell, on an executor: starts the cell's own JVM
 * ({@code dev.rgal.spark.cell.CellMain}) with the rgal class path, waits for it, and returns its
 * outcome. A deterministic failure (exit 1) is returned, not thrown, so Spark does not retry it
 * and the rest of the grid goes on; a cell JVM that dies of a signal throws, and Spark retries the
 * cell. The cell JVM reads its stdin from this executor: when the executor is killed, the pipe
 * closes and the cell ends too (its tracked run is marked KILLED).
 */
public final class CellTask implements Function<CellJob, CellOutcome> {
  private static final long serialVersionUID = 1L;
  /** Name of the job archive among the files Spark ships ({@code addArchive(path#rgal-job)}). */
  public static final String ARCHIVE_NAME = "rgal-job";
  static final String CELL_MAIN = "dev.rgal.spark.cell.CellMain";

  @Override
  public CellOutcome call(CellJob job) throws Exception {
    TaskContext task = TaskContext.get();
    int attempt = task.attemptNumber() + 1;
    Path jobRoot = job.archive() ? Path.of(SparkFiles.get(ARCHIVE_NAME)) : null;
    // the executor's work directory: a new executor (after a kill) starts from an empty one
    Path scratch = Path.of("").toAbsolutePath().resolve("cells").resolve(job.cellId() + "-attempt" + attempt);
    Files.createDirectories(scratch);
    Path cellFile = scratch.resolve("cell.json");
    Files.writeString(cellFile, job.cellJson(), StandardCharsets.UTF_8);
    Path resultFile = scratch.resolve("result.properties");
    Path log = scratch.resolve("cell.log");

    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(job.javaOptions());
    cmd.add("-Dai.djl.offline=true");
    cmd.add("-Djava.awt.headless=true");
    cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    cmd.add("-Dai.djl.pytorch.num_threads=" + job.threads());
    if (job.deterministic()) {
      cmd.add("-Dai.djl.pytorch.num_interop_threads=1");
    }
    cmd.add("-cp");
    cmd.add(String.join(java.io.File.pathSeparator, job.classPath().stream().map(e -> resolve(e, jobRoot)).toList()));
    cmd.add(CELL_MAIN);
    cmd.add(cellFile.toString());
    cmd.add(jobRoot == null ? "-" : jobRoot.toString());
    cmd.add(String.valueOf(attempt));
    cmd.add(resultFile.toString());
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(scratch.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("DJL_OFFLINE", "true");
    pb.environment().put("OPT_OUT_TRACKING", "true");
    pb.environment().put("OMP_NUM_THREADS", String.valueOf(job.threads()));
    ResourceInformation gpus = task.resourcesJMap().get("gpu");
    if (gpus != null && gpus.addresses().length > 0) {
      // the GPU(s) Spark assigned to this task (spark.task.resource.gpu.amount): the cell sees only those
      pb.environment().put("CUDA_VISIBLE_DEVICES", String.join(",", gpus.addresses()));
    }
    pb.environment().putIfAbsent("DJL_CACHE_DIR", Path.of(System.getProperty("user.home"), ".cache", "rgal", "djl").toString());
    System.err.println("rgal: cell " + job.label() + " (" + job.cellId() + ") attempt " + attempt + " in " + scratch);
    long t0 = System.nanoTime();
    Process cell = pb.start(); // stdin stays a pipe: its end is how the cell JVM notices our death
    try {
      while (!cell.waitFor(500, TimeUnit.MILLISECONDS)) {
        if (task.isInterrupted()) {
          stop(cell);
          task.killTaskIfInterrupted();
        }
      }
    } finally {
      if (cell.isAlive()) {
        stop(cell);
      }
    }
    double wall = (System.nanoTime() - t0) / 1e9;
    int exit = cell.exitValue();
    Properties result = readResult(resultFile);
    String executorId = SparkEnv.get() == null ? "" : SparkEnv.get().executorId();
    double executorRss = rssMiB();
    if (exit == 0 || (exit == 1 && "FAILED".equals(result.getProperty("status")))) {
      return new CellOutcome(job.cellId(), job.label(), result.getProperty("status", exit == 0 ? "FINISHED" : "FAILED"),
          result.getProperty("runId", ""), result.getProperty("error", ""), attempt, wall,
          number(result.getProperty("peakRssMiB")), executorRss, executorId);
    }
    throw new IllegalStateException("the JVM of cell " + job.label() + " ended with exit code " + exit
        + " (a signal or a crash), so Spark retries the cell; last lines of " + log + ": " + tail(log));
  }

  private static void stop(Process p) throws InterruptedException {
    p.destroy(); // SIGTERM: the cell's shutdown hook marks its run KILLED
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
  }

  private static String resolve(String entry, @Nullable Path jobRoot) {
    if (entry.startsWith("@job/")) {
      if (jobRoot == null) {
        throw new IllegalStateException("class path entry " + entry + " but no job archive was shipped");
      }
      return jobRoot.resolve(entry.substring(5)).toString();
    }
    return entry;
  }

  private static Properties readResult(Path file) throws IOException {
    Properties p = new Properties();
    if (Files.exists(file)) {
      try (InputStream in = Files.newInputStream(file)) {
        p.load(in);
      }
    }
    return p;
  }

  private static double number(@Nullable String s) {
    try {
      return s == null ? Double.NaN : Double.parseDouble(s);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /** RSS of this executor JVM from /proc (Linux), NaN elsewhere. */
  static double rssMiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) / 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
