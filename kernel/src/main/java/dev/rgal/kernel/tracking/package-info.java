/**
 * The embedded run trackers: MLflow's SQLite backend ({@code mlflow.db}, the default), which
 * plain {@code mlflow ui} and the Python client read, and the legacy file-store layout for
 * {@code file:} URIs and existing {@code ./mlruns} stores.
 */
@NullMarked
package dev.rgal.kernel.tracking;

import org.jspecify.annotations.NullMarked;
