/** Student training: the data pool, student trainers and the per-step loss terms they sum. */
@NullMarked
package dev.rgal.api.training;

import org.jspecify.annotations.NullMarked;
