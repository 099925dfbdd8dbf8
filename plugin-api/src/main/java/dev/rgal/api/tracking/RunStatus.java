package dev.rgal.api.tracking;

/** Terminal state of a tracked run, as MLflow knows them. */
public enum RunStatus {
  FINISHED,
  FAILED,
  KILLED
}
