package dev.rgal.api.tracking;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import java.nio.file.Path;
import java.util.Map;

/**
 * An open run. Methods never throw because the store is unreachable: a tracker that loses its
 * connection keeps what it could not send and delivers it later (or says where it went).
 * {@link #close()} without {@link #finish} ends the run as FAILED, so an aborted run is never
 * left RUNNING.
 */
@API(status = STABLE, since = "0.1")
public interface TrackedRun extends AutoCloseable {
  String runId();

  /**
   * The store this run lives in, as a tracking URI without credentials ({@code http://host:port},
   * {@code sqlite:////abs/mlflow.db}, {@code file:///abs/mlruns}); recorded in the run directory
   * so that a resumed run goes back to the same store and run. The default, {@code ""}, says
   * the tracker does not name its store (resuming then asks the configured tracker for the id).
   */
  default String trackingUri() {
    return "";
  }

  /** Where the run can be looked at (a URL or a directory), for the user. */
  String location();

  void logParams(Map<String, String> params);

  /** Logs metrics of one step (an epoch, or a grid cell); callers batch per step. */
  void logMetrics(long step, Map<String, Double> metrics);

  void setTags(Map<String, String> tags);

  /** Copies {@code file} into the run's artifacts under {@code artifactDir} ("" for the root). */
  void logArtifact(Path file, String artifactDir);

  void finish(RunStatus status);

  @Override
  void close();
}
