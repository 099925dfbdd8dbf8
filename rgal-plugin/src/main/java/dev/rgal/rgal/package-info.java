/**
 * RGAL (relation-guided adversarial learning): the relation (triplet) loss, its two negative
 * samplers (focal for synthesis, distance-weighted for student training) and their settings.
 * Everything here is whole-tensor DJL code; see {@code spec/rgal-method.md} §4.
 */
@NullMarked
package dev.rgal.rgal;

import org.jspecify.annotations.NullMarked;
