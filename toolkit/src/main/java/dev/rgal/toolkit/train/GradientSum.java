package dev.rgal.toolkit.train;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import dev.rgal.toolkit.graph.NoGrad;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;

/**
 * A running sum of the gradients of a fixed list of weights, taken at several points (e.g. the
 * first-order MAML meta-gradient: the sum of the inner gradients at every adapted point).
 *
 * <p>Why a class: in DJL's PyTorch engine {@code getGradient()} returns a handle that aliases the
 * live gradient buffer, so keeping it (or adding into it) silently changes with the next backward
 * pass and is wiped when an optimiser zeroes the gradients. {@link #add()} copies.
 */
@API(status = STABLE, since = "0.1")
public final class GradientSum implements AutoCloseable {
  private final List<NDArray> weights;
  private final NDManager manager;
  private final List<NDArray> sums = new ArrayList<>();

  /** @param manager where the sums live; closed with this object */
  public GradientSum(List<NDArray> weights, NDManager manager) {
    this.weights = List.copyOf(weights);
    this.manager = manager.newSubManager();
  }

  /** Adds the weights' current gradients (a copy of them) to the sums. */
  public void add() {
    NoGrad.run(() -> {
      for (int i = 0; i < weights.size(); i++) {
        try (NDArray live = weights.get(i).getGradient()) {
          if (sums.size() <= i) {
            NDArray copy = live.duplicate();
            copy.attach(manager);
            sums.add(copy);
          } else {
            sums.get(i).addi(live);
          }
        }
      }
    });
  }

  /** The sums, one per weight in order; empty before the first {@link #add()}. */
  public List<NDArray> sums() {
    return List.copyOf(sums);
  }

  @Override
  public void close() {
    manager.close();
  }
}
