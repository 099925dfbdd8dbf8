/** Optimisers with PyTorch semantics, learning-rate schedules and the {@code kd} student trainer. */
@NullMarked
package dev.rgal.toolkit.train;

import org.jspecify.annotations.NullMarked;
