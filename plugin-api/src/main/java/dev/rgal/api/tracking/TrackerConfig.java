package dev.rgal.api.tracking;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * How the user asked runs to be tracked.
 *
 * @param trackingUri an MLflow server URI, or null for the embedded store
 * @param localStore database file of the embedded store (MLflow's SQLite backend, artifacts in
 *     {@code mlruns/} next to it), e.g. {@code mlflow.db}
 * @param required when true an unreachable server is an error instead of a fallback
 */
public record TrackerConfig(@Nullable String trackingUri, Path localStore, boolean required) {}
