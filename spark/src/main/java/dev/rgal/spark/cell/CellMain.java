package dev.rgal.spark.cell;

import dev.rgal.toolkit.io.AtomicFiles;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rgal.api.DfkdException;
import dev.rgal.api.RunSpec;
import dev.rgal.api.tracking.RunRecord;
import dev.rgal.api.tracking.RunStart;
import dev.rgal.api.tracking.RunStatus;
import dev.rgal.api.tracking.RunTracker;
import dev.rgal.api.tracking.TrackedRun;
import dev.rgal.toolkit.platform.ProcessMemory;
import dev.rgal.kernel.plugin.PluginHost;
import dev.rgal.toolkit.progress.Progress;
import dev.rgal.kernel.run.DistillRequest;
import dev.rgal.kernel.run.DistillResult;
import dev.rgal.kernel.run.Distiller;
import dev.rgal.toolkit.spec.RunSpecJson;
import dev.rgal.kernel.tracking.Trackers;
import dev.rgal.spark.ParentWatch;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.jspecify.annotations.Nullable;
import org.mlflow.api.proto.Service;
import org.mlflow.tracking.MlflowClient;

/**
 * One grid cell in its own JVM (launched by {@code CellTask} on a Spark executor, killed with it):
 * a tracked distillation with the rgal class path only. A fresh JVM per cell is how an executor
 * that runs many cells keeps a flat RSS (native memory of one run never meets the next).
 *
 * <p>Arguments: {@code CELL_JSON JOB_ROOT|- ATTEMPT RESULT_FILE}. Paths in the cell that start
 * with {@code @job/} are inside the job archive Spark shipped ({@code JOB_ROOT}); {@code @scratch/}
 * is the executor-local working directory. Exit 0: finished (or already finished before);
 * exit 1: the cell failed deterministically (result file says why); any other exit (a signal)
 * is a lost attempt that Spark retries.
 *
 * <p>Stdin is a pipe from the executor: its end (the executor died) ends this JVM, whose shutdown
 * hook marks the tracked run KILLED. A retry first marks RUNNING runs of the same cell KILLED
 * (an attempt that died without its hook) and skips the cell when a FINISHED run exists.
 */
public final class CellMain {
  /** Tag naming the grid cell a run belongs to; re-runs skip cells with a FINISHED run. */
  public static final String CELL_TAG = "grid.cell";

  private CellMain() {}

  public static void main(String[] args) {
    if (args.length != 4) {
      System.err.println("usage: CellMain CELL_JSON JOB_ROOT|- ATTEMPT RESULT_FILE");
      System.exit(2);
    }
    watchParent();
    Path resultFile = Path.of(args[3]);
    Properties result = new Properties();
    int exit;
    try {
      JsonObject cell = JsonParser.parseString(Files.readString(Path.of(args[0]))).getAsJsonObject();
      Path jobRoot = args[1].equals("-") ? null : Path.of(args[1]);
      exit = new CellMain().run(cell, jobRoot, Integer.parseInt(args[2]), result);
    } catch (IOException | RuntimeException e) {
      result.setProperty("status", "FAILED");
      result.setProperty("error", oneLine(e));
      System.err.println("rgal: error: " + oneLine(e));
      exit = 1;
    }
    writeResult(resultFile, result);
    System.exit(exit);
  }

  int run(JsonObject cell, @Nullable Path jobRoot, int attempt, Properties result) {
    long t0 = System.nanoTime();
    String cellId = cell.get("cellId").getAsString();
    String experiment = cell.get("experiment").getAsString();
    String trackingUri = cell.get("trackingUri").getAsString();
    Path scratch = Path.of("").toAbsolutePath();
    Path teacher = path(cell.get("teacher"), jobRoot, scratch);
    Path testData = cell.has("testData") && !cell.get("testData").isJsonNull() ? path(cell.get("testData"), jobRoot, scratch) : null;
    Path runDir = path(cell.get("runDir"), jobRoot, scratch);
    List<Path> pluginDirs = new ArrayList<>();
    cell.getAsJsonArray("pluginDirs").forEach(e -> pluginDirs.add(path(e, jobRoot, scratch)));
    RunSpec spec = RunSpecJson.fromJson(cell.getAsJsonObject("spec"), "grid cell " + cellId);
    Map<String, String> tags = new LinkedHashMap<>();
    cell.getAsJsonObject("tags").entrySet().forEach(e -> tags.put(e.getKey(), e.getValue().getAsString()));
    tags.put(CELL_TAG, cellId);
    tags.put("grid.attempt", String.valueOf(attempt));
    tags.put("run.dir", runDir.toString());
    result.setProperty("attempt", String.valueOf(attempt));

    try (PluginHost host = PluginHost.discover(pluginDirs)) {
      RunTracker tracker = Trackers.open(host, trackingUri, scratch.resolve("mlruns"), true);
      List<RunRecord> earlier = tracker.searchRuns(experiment).stream()
          .filter(r -> cellId.equals(r.tags().get(CELL_TAG))).toList();
      for (RunRecord r : earlier) {
        if (r.status().equals("FINISHED")) {
          // an earlier attempt finished but its executor died before Spark heard of it
          System.err.println("rgal-cell: cell " + cellId + " already finished as run " + r.runId());
          result.setProperty("status", "FINISHED");
          result.setProperty("runId", r.runId());
          result.setProperty("reused", "true");
          return 0;
        }
      }
      for (RunRecord r : earlier) {
        if (r.status().equals("RUNNING")) {
          markKilled(trackingUri, r.runId());
        }
      }
      boolean resume = Files.exists(runDir.resolve("checkpoint").resolve("state.json"));
      if (!resume) {
        setAsideIncomplete(runDir);
      }
      tags.put("grid.resumed", String.valueOf(resume));
      TrackedRun run = tracker.start(new RunStart(experiment, cell.get("runName").getAsString(), tags));
      result.setProperty("runId", run.runId());
      Thread killed = new Thread(() -> run.finish(RunStatus.KILLED), "rgal-cell-killed");
      Runtime.getRuntime().addShutdownHook(killed);
      try {
        DistillResult r = new Distiller(host, Progress.silent())
            .run(new DistillRequest(teacher, spec, testData, runDir, resume, run), e ->
                System.err.printf(Locale.ROOT, "rgal-cell: %s epoch %d/%d acc %.4f%n", cellId, e.epoch() + 1, e.epochs(), e.accuracy()));
        double wall = (System.nanoTime() - t0) / 1e9;
        run.logMetrics(spec.schedule().epochs(), Map.of("cell.wall_seconds", wall));
        run.finish(RunStatus.FINISHED);
        result.setProperty("status", "FINISHED");
        result.setProperty("lastAccuracy", String.valueOf(r.lastAccuracy()));
        return 0;
      } catch (RuntimeException | Error e) {
        run.setTags(Map.of("grid.error", oneLine(e)));
        run.finish(RunStatus.FAILED);
        result.setProperty("status", "FAILED");
        result.setProperty("error", oneLine(e));
        System.err.println("rgal: error: " + oneLine(e));
        return 1;
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(killed);
        } catch (IllegalStateException shuttingDown) {
          // the hook runs and marks the run KILLED
        }
        run.close();
        result.setProperty("wallSeconds", String.format(Locale.ROOT, "%.1f", (System.nanoTime() - t0) / 1e9));
        long peak = ProcessMemory.peakRssBytes();
        if (peak > 0) {
          result.setProperty("peakRssMiB", String.format(Locale.ROOT, "%.0f", peak / 1048576.0));
        }
      }
    }
  }

  /** An attempt that died before its first checkpoint leaves a run directory a fresh run refuses. */
  private static void setAsideIncomplete(Path runDir) {
    if (!Files.exists(runDir.resolve("spec.json"))) {
      return;
    }
    Path aside = runDir.resolveSibling(runDir.getFileName() + ".interrupted-" + System.currentTimeMillis());
    try {
      Files.move(runDir, aside, StandardCopyOption.ATOMIC_MOVE);
      System.err.println("rgal-cell: " + runDir + " held an attempt without a checkpoint; moved to " + aside);
    } catch (IOException e) {
      throw new DfkdException("cannot move the interrupted attempt in " + runDir + " aside (" + e.getMessage()
          + "): remove it, then re-run the grid");
    }
  }

  /** The SPI has no way to end another process's run; the MLflow REST API does. */
  private static void markKilled(String trackingUri, String runId) {
    MlflowClient client = new MlflowClient(trackingUri);
    try {
      client.setTerminated(runId, Service.RunStatus.KILLED, System.currentTimeMillis());
      System.err.println("rgal-cell: marked run " + runId + " of an interrupted attempt KILLED");
    } finally {
      client.close();
    }
  }

  private static Path path(JsonElement e, @Nullable Path jobRoot, Path scratch) {
    String s = e.getAsString();
    if (s.startsWith("@job/")) {
      if (jobRoot == null) {
        throw new DfkdException("cell refers to the job archive but none was shipped: a bug in rgal compare --spark");
      }
      return jobRoot.resolve(s.substring(5));
    }
    if (s.startsWith("@scratch/")) {
      return scratch.resolve(s.substring(9));
    }
    return Path.of(s);
  }

  /** Ends this JVM when the executor that launched it goes away (its end of stdin closes). */
  private static void watchParent() {
    ParentWatch.exitWhenStdinCloses("rgal-cell: the executor went away; ending the cell", "rgal-cell-parent-watch");
  }

  static String oneLine(Throwable e) {
    String m = e instanceof DfkdException ? e.getMessage() : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    return m == null ? e.getClass().getSimpleName() : m.replaceAll("\\s*\\R\\s*", " ").strip();
  }

  private static void writeResult(Path file, Properties result) {
    try {
      AtomicFiles.write(file, AtomicFiles.Existing.REPLACE, out -> result.store(out, "rgal grid cell result"));
    } catch (DfkdException e) {
      System.err.println("rgal-cell: " + e.getMessage());
    }
  }
}
