package dev.rgal.api.model;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * The outputs of one forward pass of a {@link FeatureNet}.
 *
 * @param logits [N, K]
 * @param pooled [N, D], the penultimate (pooled) feature
 * @param stages stage outputs [N, C_l, H_l, W_l] in network order (RGAL indexes these)
 * @param bnStatistics per BatchNorm layer, in network order; empty unless requested
 */
@API(status = STABLE, since = "0.1")
public record Features(
    NDArray logits, NDArray pooled, List<NDArray> stages, List<BnStatistics> bnStatistics) {
  public Features {
    stages = List.copyOf(stages);
    bnStatistics = List.copyOf(bnStatistics);
  }
}
