package dev.rgal.kernel.plugin;

import com.google.inject.AbstractModule;
import dev.rgal.api.Bindings;
import dev.rgal.api.DfkdException;
import dev.rgal.api.InstalledPlugins;
import dev.rgal.api.model.ArchitectureFactory;
import dev.rgal.api.model.Architectures;
import jakarta.inject.Inject;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The shared services the host gives every plugin's components by injection: the architecture
 * registry (the map every plugin's {@code Bindings.architectures} fills) and the list of loaded
 * plugins. Installed next to each plugin's module, also in the per-plugin injector that learns a
 * plugin's names, so a factory that {@code @Inject}s a service can be bound with {@code .to(...)}.
 */
final class HostServices extends AbstractModule {
  private final InstalledPlugins installed;

  HostServices(InstalledPlugins installed) {
    this.installed = installed;
  }

  @Override
  protected void configure() {
    Bindings.architectures(binder()); // declares the map even when no plugin binds an architecture
    bind(Architectures.class).to(RegistryArchitectures.class);
    bind(InstalledPlugins.class).toInstance(installed);
  }

  /** {@link Architectures} over the host's architecture registry. */
  static final class RegistryArchitectures implements Architectures {
    private final Map<String, ArchitectureFactory> factories;

    @Inject
    RegistryArchitectures(Map<String, ArchitectureFactory> factories) {
      this.factories = Collections.unmodifiableMap(new TreeMap<>(factories));
    }

    @Override
    public List<String> names() {
      return List.copyOf(factories.keySet());
    }

    @Override
    public ArchitectureFactory factory(String name) {
      ArchitectureFactory f = factories.get(name);
      if (f == null) {
        throw new DfkdException("no plugin provides architecture '" + name + "'; known: "
            + String.join(", ", factories.keySet()) + " (check the name or add the plugin that provides it)");
      }
      return f;
    }
  }
}
