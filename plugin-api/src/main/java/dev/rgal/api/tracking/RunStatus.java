package dev.rgal.api.tracking;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/** Terminal state of a tracked run, as MLflow knows them. */
@API(status = STABLE, since = "0.1")
public enum RunStatus {
  FINISHED,
  FAILED,
  KILLED
}
