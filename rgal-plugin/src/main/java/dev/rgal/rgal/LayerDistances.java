package dev.rgal.rgal;

import ai.djl.ndarray.NDArray;

/**
 * The triplet distances of one feature layer.
 *
 * @param dAp [P] ‖a − p + 1e-6‖₂ of each triplet (after pooling and L2-normalisation)
 * @param dAn [P] ‖a − n + 1e-6‖₂ of each triplet
 * @param loss [P] max(dAp − dAn + margin, 0)
 */
public record LayerDistances(NDArray dAp, NDArray dAn, NDArray loss) {}
