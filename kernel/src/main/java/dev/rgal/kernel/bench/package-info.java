/** Measurements for benchmark commands: process memory, timing medians, the engine's matmul rate. */
@NullMarked
package dev.rgal.kernel.bench;

import org.jspecify.annotations.NullMarked;
