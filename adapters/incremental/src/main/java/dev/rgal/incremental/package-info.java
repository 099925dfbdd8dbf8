/**
 * Non-exemplar class-incremental learning (issue 17; spec class-incremental.md): the scenario of a
 * run (class order, task split, label remapping and the real data each task may see), and the
 * accuracy matrix with the metrics of spec §2 under both averaging conventions; the method SPI
 * ({@link dev.rgal.incremental.IncrementalMethod}, found through {@code ServiceLoader}), the
 * methods {@code ft}, {@code joint} and {@code lwf}, and the run ({@link dev.rgal.incremental.IncrementalRun})
 * behind {@code rgal incremental}. See docs/incremental.md for what is not built yet.
 */
@NullMarked
package dev.rgal.incremental;

import org.jspecify.annotations.NullMarked;
