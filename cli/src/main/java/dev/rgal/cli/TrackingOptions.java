package dev.rgal.cli;

import dev.rgal.api.tracking.RunStart;
import dev.rgal.api.tracking.RunStatus;
import dev.rgal.api.tracking.RunTracker;
import dev.rgal.api.tracking.TrackedRun;
import dev.rgal.kernel.plugin.PluginHost;
import dev.rgal.kernel.tracking.Trackers;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** Where a command's runs are tracked. */
final class TrackingOptions {
  @Option(names = "--tracking-uri", paramLabel = "URI",
      description = "MLflow tracking server (default: $MLFLOW_TRACKING_URI, else the local store).")
  @Nullable String trackingUri;

  @Option(names = "--experiment", paramLabel = "NAME", description = "Experiment name (created if missing).")
  @Nullable String experiment;

  @Option(names = "--local-store", paramLabel = "FILE", defaultValue = "mlflow.db",
      description = "Embedded store used without a server: MLflow's SQLite database, artifacts in mlruns/ next to it (default: ${DEFAULT-VALUE}; 'mlflow ui' in its directory shows it).")
  Path localStore = Trackers.DEFAULT_LOCAL_STORE;

  @Option(names = "--tracking-required", description = "Fail instead of falling back to the local store when the server is unreachable.")
  boolean required;

  @Option(names = "--no-tracking", description = "Do not track the run.")
  boolean off;

  /**
   * Uses {@code uri} when the user named no tracking URI (option or environment): a resumed run
   * goes back to the store its run directory recorded.
   */
  void defaultTrackingUri(String uri) {
    String env = System.getenv("MLFLOW_TRACKING_URI");
    if (trackingUri == null && (env == null || env.isBlank()) && !uri.isBlank()) {
      trackingUri = uri;
    }
  }

  RunTracker tracker(PluginHost host) {
    return Trackers.open(host, trackingUri, localStore, required);
  }

  /** The tracker for commands that only read runs (also reads a legacy ./mlruns file store). */
  RunTracker readingTracker(PluginHost host) {
    return Trackers.openForReading(host, trackingUri, localStore, required);
  }

  <T> T tracked(PluginHost host, String defaultExperiment, String runName, Map<String, String> tags,
      Function<@Nullable TrackedRun, T> body) {
    return tracked(host, defaultExperiment, runName, tags, null, body);
  }

  /**
   * Runs {@code body} inside a tracked run (or none with --no-tracking) and ends the run FINISHED,
   * FAILED on an exception, KILLED when the JVM is interrupted (Ctrl-C, kill). With
   * {@code resumeRunId}, that run is continued (see {@link RunTracker#resume}).
   */
  <T> T tracked(PluginHost host, String defaultExperiment, String runName, Map<String, String> tags,
      @Nullable String resumeRunId, Function<@Nullable TrackedRun, T> body) {
    if (off) {
      return body.apply(null);
    }
    RunStart start = new RunStart(experiment == null ? defaultExperiment : experiment, runName, tags);
    TrackedRun run = resumeRunId == null ? tracker(host).start(start) : tracker(host).resume(resumeRunId, start);
    Thread killed = new Thread(() -> run.finish(RunStatus.KILLED), "rgal-run-killed");
    Runtime.getRuntime().addShutdownHook(killed);
    try {
      T result = body.apply(run);
      run.finish(RunStatus.FINISHED);
      return result;
    } catch (RuntimeException | Error e) {
      run.finish(RunStatus.FAILED);
      throw e;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(killed);
      } catch (IllegalStateException shuttingDown) {
        // the hook is already running and marks the run KILLED
      }
      run.close();
      System.err.println("run tracked at " + run.location());
    }
  }
}
