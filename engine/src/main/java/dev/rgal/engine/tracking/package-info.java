/**
 * The embedded run tracker: a store on local disk in MLflow's file-store layout, so that
 * {@code mlflow ui --backend-store-uri file:<dir>} and the Python client read it as they read
 * their own.
 */
@NullMarked
package dev.rgal.engine.tracking;

import org.jspecify.annotations.NullMarked;
