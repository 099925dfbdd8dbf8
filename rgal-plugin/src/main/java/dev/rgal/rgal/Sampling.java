package dev.rgal.rgal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/**
 * Everything one {@link NegativeSampler#sample} call produced, for the loss and for diagnostics.
 * All arrays are detached (no gradient) and live in the manager of the sampler embeddings passed
 * to {@code sample}. Floating arrays have the sampler's working type (float32 for
 * {@link SamplerPrecision#REPRODUCE_FLOAT32}, float64 for {@link SamplerPrecision#WELL_DEFINED}).
 *
 * @param dist [N, N] distances of the L2-normalised embeddings, diagonal exactly 1
 * @param logWeight [N, N] log of the inverse sphere density, evaluated at q (spec §4.2 step 4)
 * @param fallbackRows bool [N]: true where no windowed negative exists (or all underflowed), so the
 *     row is uniform over the different-label samples (all zero if there are none)
 * @param probabilities [N, N] the normalised sampling distribution of each row
 * @param anchors int64 [P] anchor of each same-label ordered pair, row-major; pairs whose anchor
 *     has no different-label sample are left out
 * @param partners int64 [P] the same-label partner of each pair
 * @param negatives int64 [P] the drawn different-label sample of each pair
 */
public record Sampling(
    NDArray dist,
    NDArray logWeight,
    NDArray fallbackRows,
    NDArray probabilities,
    NDArray anchors,
    NDArray partners,
    NDArray negatives) {

  /**
   * The probability row of each anchor pair, {@code probabilities[anchors]} ([P, N]). Computed on
   * demand (a new array in the manager of {@link #probabilities}) because it is P × N: for a
   * batch of 256 with unbalanced labels that is millions of entries the training step never needs.
   */
  public NDArray probRows() {
    return probabilities.get(new NDIndex("{}", anchors));
  }

  /** Number of anchor pairs P (= number of triplets). */
  public long pairCount() {
    return anchors.getShape().get(0);
  }
}
