/**
 * Loss building blocks shared by the methods (KD, BN statistics, one-hot, adversarial, image
 * priors, ADI competition) and the synthesis terms built from them.
 */
@NullMarked
package dev.rgal.toolkit.loss;

import org.jspecify.annotations.NullMarked;
