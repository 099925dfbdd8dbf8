/** Image synthesis: synthesizers and the per-iteration loss terms they sum. */
@NullMarked
package dev.rgal.api.synthesis;

import org.jspecify.annotations.NullMarked;
