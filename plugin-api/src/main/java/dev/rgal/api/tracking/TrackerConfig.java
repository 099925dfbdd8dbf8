package dev.rgal.api.tracking;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * How the user asked runs to be tracked.
 *
 * @param trackingUri an MLflow server URI, or null for the embedded store
 * @param localStore directory of the embedded store (MLflow file-store layout)
 * @param required when true an unreachable server is an error instead of a fallback
 */
public record TrackerConfig(@Nullable String trackingUri, Path localStore, boolean required) {}
