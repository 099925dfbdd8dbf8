package dev.rgal.toolkit.zoo;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import ai.djl.nn.Parameter;
import java.util.Map;

/**
 * Something whose parameters have stable PyTorch state-dict names: every {@link ZooNet} and the
 * {@link Generator}. {@link NetWeights} saves and loads these by name.
 */
@API(status = STABLE, since = "0.1")
public interface NamedWeights {
  /** The architecture recorded in weight files, e.g. {@code wrn-40-2}. */
  String architecture();

  /**
   * Ordered map from PyTorch state-dict name (e.g. {@code layer1.0.bn1.running_mean}) to the DJL
   * parameter, in the reference module's registration order; {@code num_batches_tracked} is
   * omitted. Includes BN running statistics (not trainable). Unmodifiable.
   */
  Map<String, Parameter> stateDict();
}
