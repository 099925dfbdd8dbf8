/**
 * Non-exemplar class-incremental learning (issue 17; spec class-incremental.md): the scenario of a
 * run (class order, task split, label remapping and the real data each task may see), and the
 * accuracy matrix with the metrics of spec §2 under both averaging conventions. The methods
 * ({@code ft}, {@code lwf}, {@code abd}, {@code rdfcil}), the {@code incremental} task and the CLI
 * build on this package and are not built yet.
 */
@NullMarked
package dev.rgal.incremental;

import org.jspecify.annotations.NullMarked;
