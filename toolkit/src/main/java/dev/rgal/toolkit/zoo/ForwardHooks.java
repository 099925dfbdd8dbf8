package dev.rgal.toolkit.zoo;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

import ai.djl.ndarray.NDArray;
import ai.djl.util.PairList;
import org.jspecify.annotations.Nullable;

/**
 * Transform points of a zoo forward pass, for fake quantization and similar rewrites that need
 * no copy of the architecture: every convolution and linear layer passes its weight through
 * {@link #weight} right before use, and every ReLU output passes through {@link #activation}
 * before anything reads it. Passed per forward ({@link ZooNet#forward(NDArray, boolean,
 * ForwardHooks)}), so a plain forward is unchanged and two forwards never share hook state.
 *
 * <p>Site names: weights by their layer's state-dict name ({@code features.0}, {@code
 * layer1.0.conv1}); ReLUs by a stable name listed in each architecture's documentation ({@link
 * ZooNet#activationSites()} gives them in forward order).
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface ForwardHooks {
  /** Key of the hooks in the DJL forward params. */
  String KEY = "rgal.forwardHooks";

  /** The weight the layer {@code layer} uses in this forward (default: {@code weight} itself). */
  default NDArray weight(String layer, NDArray weight) {
    return weight;
  }

  /** The tensor the net continues with after the ReLU named {@code site} (default: {@code x}). */
  default NDArray activation(String site, NDArray x) {
    return x;
  }

  /** The hooks in a forward's params, or null. */
  static @Nullable ForwardHooks of(@Nullable PairList<String, Object> params) {
    return params != null && params.get(KEY) instanceof ForwardHooks h ? h : null;
  }
}
