/**
 * {@code rgal compare --spark}: the grid driver (a JVM with Spark's jars only, started by the CLI)
 * and the executor task that runs one grid cell in a child JVM with the rgal class path
 * ({@link dev.rgal.spark.cell.CellMain}). Nothing here uses an rgal class, so Spark's
 * dependencies and rgal's never share a class path.
 */
@NullMarked
package dev.rgal.spark;

import org.jspecify.annotations.NullMarked;
