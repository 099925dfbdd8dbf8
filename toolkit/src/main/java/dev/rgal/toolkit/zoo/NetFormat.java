package dev.rgal.toolkit.zoo;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

import ai.djl.ndarray.NDManager;
import dev.rgal.api.model.FeatureNet;
import java.nio.file.Path;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * A file format that stores a whole inference network (not just zoo weights), found through
 * {@link ServiceLoader} ({@code META-INF/services/dev.rgal.toolkit.zoo.NetFormat}), so that a
 * carrier such as the Tribuo model can hold any network a plugin writes (e.g. the quantization
 * plugin's {@code rgq} files) without depending on that plugin. Plain zoo weights need no format.
 */
@API(status = EXPERIMENTAL, since = "0.2")
public interface NetFormat {
  /** The name recorded next to the bytes, e.g. {@code rgq}. */
  String name();

  /** The network stored in {@code file}, ready for inference (eval mode), owned by {@code manager}. */
  FeatureNet read(Path file, NDManager manager);

  /** The installed format named {@code name}. */
  static Optional<NetFormat> find(String name) {
    for (NetFormat f : ServiceLoader.load(NetFormat.class, NetFormat.class.getClassLoader())) {
      if (f.name().equals(name)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }
}
