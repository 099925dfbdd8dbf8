package dev.rgal.api.tracking;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import dev.rgal.api.DfkdException;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * How the user asked runs to be tracked.
 *
 * @param trackingUri an MLflow server URI, or null for the embedded store
 * @param localStore database file of the embedded store (MLflow's SQLite backend, artifacts in
 *     {@code mlruns/} next to it), e.g. {@code mlflow.db}
 * @param required when true an unreachable server is an error instead of a fallback
 * @param embeddedStore opens the embedded store at {@code localStore}; a tracker whose server does
 *     not answer (and is not {@code required}) falls back to it. The host supplies it, so a tracker
 *     plugin never needs the host's store classes.
 */
@API(status = STABLE, since = "0.1")
public record TrackerConfig(
    @Nullable String trackingUri, Path localStore, boolean required, Supplier<RunTracker> embeddedStore) {
  /** A configuration without a store to fall back to: falling back is an error naming the fix. */
  public TrackerConfig(@Nullable String trackingUri, Path localStore, boolean required) {
    this(trackingUri, localStore, required, () -> {
      throw new DfkdException("tracking server " + trackingUri + " is unreachable and no embedded"
          + " store was configured to fall back to: start the server or check the tracking URI");
    });
  }
}
