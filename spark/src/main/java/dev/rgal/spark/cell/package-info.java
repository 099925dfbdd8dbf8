/** One grid cell: a tracked distillation in its own JVM on a Spark executor (rgal class path only). */
@NullMarked
package dev.rgal.spark.cell;

import org.jspecify.annotations.NullMarked;
