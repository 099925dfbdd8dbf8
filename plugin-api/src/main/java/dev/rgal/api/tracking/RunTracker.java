package dev.rgal.api.tracking;

import java.util.List;

/** A place runs are recorded: an MLflow tracking server, or the embedded local store. */
public interface RunTracker {
  TrackedRun start(RunStart start);

  /** All runs of an experiment, newest first; empty if the experiment does not exist. */
  List<RunRecord> searchRuns(String experiment);
}
