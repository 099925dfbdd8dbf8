package dev.rgal.api.tracking;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A place runs are recorded: an MLflow tracking server, or the embedded local store. */
@API(status = STABLE, since = "0.1")
public interface RunTracker {
  /** Tag a run gets when it continues, under a new id, a run the store no longer has. */
  String RESUMED_FROM_TAG = "rgal.resumed_from";

  TrackedRun start(RunStart start);

  /**
   * Continues the run {@code runId} of this store: its status goes back to RUNNING, and
   * metrics logged from now on extend its histories. When the store does not have that run
   * (any more), starts {@code start} instead, tagged {@link #RESUMED_FROM_TAG} = {@code runId}.
   * The default always does the latter, for trackers that cannot re-open runs.
   */
  default TrackedRun resume(String runId, RunStart start) {
    return start(resumedFrom(runId, start));
  }

  /** All runs of an experiment, newest first; empty if the experiment does not exist. */
  List<RunRecord> searchRuns(String experiment);

  /** {@code start} with the tag {@link #RESUMED_FROM_TAG} = {@code runId} added. */
  static RunStart resumedFrom(String runId, RunStart start) {
    Map<String, String> tags = new LinkedHashMap<>(start.tags());
    tags.put(RESUMED_FROM_TAG, runId);
    return new RunStart(start.experiment(), start.runName(), tags);
  }
}
