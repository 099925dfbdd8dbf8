package dev.rgal.rgal;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * One evaluation of the {@link RelationLoss} with its diagnostics. Only {@link #loss} is
 * attached to the autograd graph of the features; every other array is a detached value. All
 * live in the manager of the first feature tensor.
 *
 * @param loss scalar: mean over triplets of the per-triplet sum over layers (0 without triplets)
 * @param perTripletLoss [P] per-triplet loss summed over layers
 * @param perLayer one entry per feature tensor, in input order
 * @param anchors int64 [P] triplet anchor indices
 * @param positives int64 [P] triplet positive indices (after the {@link TripletDirection})
 * @param negatives int64 [P] triplet negative indices (after the {@link TripletDirection})
 * @param sampling what the sampler computed and drew
 */
public record RelationLossResult(
    NDArray loss,
    NDArray perTripletLoss,
    List<LayerDistances> perLayer,
    NDArray anchors,
    NDArray positives,
    NDArray negatives,
    Sampling sampling) {
  public RelationLossResult {
    perLayer = List.copyOf(perLayer);
  }

  /** Number of triplets P. */
  public long tripletCount() {
    return anchors.getShape().get(0);
  }
}
