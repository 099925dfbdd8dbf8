/**
 * What every synthesizer repeats in its inner loop, so that method plugins stay small: augment,
 * normalise, run the teacher (with BN statistics) and, when a term needs it, the student, sum the
 * weighted terms, back-propagate, and keep the lowest-loss un-augmented iterate.
 */
@NullMarked
package dev.rgal.toolkit.synthesis;

import org.jspecify.annotations.NullMarked;
