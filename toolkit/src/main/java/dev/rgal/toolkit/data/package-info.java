/** Datasets (IDX, CIFAR binary), normalisation, whole-batch augmentation, the uint8 data pool, sample grids. */
@NullMarked
package dev.rgal.toolkit.data;

import org.jspecify.annotations.NullMarked;
