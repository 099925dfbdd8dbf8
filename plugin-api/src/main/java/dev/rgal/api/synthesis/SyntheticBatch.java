package dev.rgal.api.synthesis;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * The result of one synthesis call.
 *
 * @param images [N, C, H, W] un-augmented images in [0, 1] (the lowest-loss iterate), in the
 *     call's manager; the engine copies them into the pool
 * @param targets [N] the class targets they were synthesised for
 * @param losses the weighted value of each term (and {@code total}) at the kept iterate
 */
@API(status = STABLE, since = "0.1")
public record SyntheticBatch(NDArray images, NDArray targets, Map<String, Double> losses) {
  public SyntheticBatch {
    losses = Map.copyOf(losses);
  }
}
