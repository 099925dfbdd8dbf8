package dev.rgal.api.model;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;

/**
 * An image classifier that exposes what DFKD methods read: logits, the pooled feature, the stage
 * outputs and, on request, the BatchNorm statistics of the forward. Teachers and students are both
 * {@code FeatureNet}s.
 *
 * <p>Contract: arrays returned by a forward belong to the manager of the input {@code x}; the caller
 * closes them by closing that manager. {@code training} selects batch statistics (and updates the
 * running statistics) in BatchNorm layers, as in PyTorch's {@code train()}/{@code eval()}.
 * Implementations are not thread-safe. Closing releases the parameters.
 */
@API(status = STABLE, since = "0.1")
public interface FeatureNet extends AutoCloseable {
  NetInfo info();

  /** The DJL block holding the parameters (for optimisers, saving and loading). */
  Block block();

  /** Forward pass without BatchNorm statistics. */
  Features forward(NDArray x, boolean training);

  /** Forward pass that also reports every BatchNorm layer's running and batch statistics. */
  Features forwardWithBnStatistics(NDArray x, boolean training);

  @Override
  void close();
}
