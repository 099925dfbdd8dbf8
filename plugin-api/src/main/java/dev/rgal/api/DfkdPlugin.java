package dev.rgal.api;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import com.google.inject.Module;

/**
 * A drop-in plugin, discovered with {@link java.util.ServiceLoader} from the class path or from a
 * jar in the plugin directory (list the implementation in
 * {@code META-INF/services/dev.rgal.api.DfkdPlugin}; it needs a public no-argument constructor).
 *
 * <p>A plugin contributes nothing but bindings: its {@link #module()} adds named components to the
 * engine's registries through {@link Bindings}. The engine never names a method; removing a jar
 * removes its names. Two plugins binding the same name make start-up fail naming both.
 */
@API(status = STABLE, since = "0.1")
public interface DfkdPlugin {
  /** Short stable identifier, e.g. {@code "fast"} or {@code "rgal"}. */
  String id();

  /** The SPI major version the plugin was built against; normally {@link SpiVersion#MAJOR}. */
  default int spiVersion() {
    return SpiVersion.MAJOR;
  }

  /**
   * The toolkit major version the plugin was built against, or {@code 0} when it uses no toolkit
   * type (only this SPI). A plugin that uses the toolkit overrides this with
   * {@code return dev.rgal.toolkit.ToolkitVersion.MAJOR;} (a compile-time constant, so the value is
   * the one it was built against); the host refuses a plugin whose major differs from its own.
   */
  default int toolkitVersion() {
    return 0;
  }

  /** Human-readable version of the plugin itself, recorded in every run's provenance. */
  default String version() {
    Package p = getClass().getPackage();
    String v = p == null ? null : p.getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /** The Guice module holding this plugin's bindings (see {@link Bindings}). */
  Module module();
}
