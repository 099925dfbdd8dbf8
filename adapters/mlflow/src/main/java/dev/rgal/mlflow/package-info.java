/**
 * The MLflow plugin: runs tracked on an MLflow tracking server through the Java client, with
 * artifacts uploaded to the server's artifact proxy, a disk spool that survives server outages,
 * and a fall-back to the embedded file store when the server cannot be reached at start.
 */
@NullMarked
package dev.rgal.mlflow;

import org.jspecify.annotations.NullMarked;
