package dev.rgal.api;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Map;
import org.apiguardian.api.API;

/**
 * The plugins the running host loaded (class path and plugin directories alike), for components
 * that record provenance. Inject it; do not look plugins up with {@link java.util.ServiceLoader},
 * which would miss the jars of {@code --plugin-dir}.
 */
@API(status = STABLE, since = "0.1")
@FunctionalInterface
public interface InstalledPlugins {
  /** Plugin id to its version, sorted by id. */
  Map<String, String> versions();
}
