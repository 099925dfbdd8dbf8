package dev.rgal.toolkit.synthesis;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Keeps the un-augmented images of the iteration with the lowest total loss (the first iteration
 * always counts), copied out of the autograd graph into a manager that outlives the iteration —
 * unlike NVlabs' script, which aliased the live tensor and so returned the last iterate.
 */
@API(status = STABLE, since = "0.1")
public final class BestIterate {
  private final NDManager manager;
  private @Nullable NDArray images;
  private Map<String, Double> losses = Map.of();
  private double best = Double.POSITIVE_INFINITY;

  public BestIterate(NDManager manager) {
    this.manager = manager;
  }

  /** Offers an iteration's raw images (before the optimiser step) and losses. */
  public void offer(NDArray raw, Map<String, Double> stepLosses) {
    double total = stepLosses.get("total");
    if (images == null || total < best) {
      if (images != null) {
        images.close();
      }
      NDArray copy = raw.stopGradient().duplicate();
      copy.attach(manager);
      images = copy;
      best = total;
      losses = Map.copyOf(stepLosses);
    }
  }

  public NDArray images() {
    if (images == null) {
      throw new IllegalStateException("no iteration was offered");
    }
    return images;
  }

  public Map<String, Double> losses() {
    return losses;
  }
}
