package dev.rgal.api.tracking;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import org.jspecify.annotations.Nullable;

/**
 * Builds a tracker. The engine asks every bound factory in turn; a factory returns null when it
 * does not handle the configuration (e.g. the MLflow server tracker when no URI is given).
 */
@FunctionalInterface
@API(status = STABLE, since = "0.1")
public interface RunTrackerFactory {
  @Nullable RunTracker create(TrackerConfig config);
}
