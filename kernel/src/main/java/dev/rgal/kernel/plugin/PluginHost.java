package dev.rgal.kernel.plugin;

import com.google.inject.Binding;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Module;
import com.google.inject.Stage;
import com.google.inject.util.Types;
import dev.rgal.api.Bindings.Registry;
import dev.rgal.api.DfkdException;
import dev.rgal.api.DfkdPlugin;
import dev.rgal.api.InstalledPlugins;
import dev.rgal.api.SpiVersion;
import dev.rgal.toolkit.ToolkitVersion;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Finds every {@link DfkdPlugin} on the class path and in the jars of a plugin directory, checks
 * them, and installs their Guice modules into one injector.
 *
 * <p>Checks, each failing with a one-line {@link DfkdException} that names the jar: a plugin built
 * against another SPI major version; a plugin whose module cannot be loaded; two plugins binding
 * the same name in one registry (both jars named); two plugins with the same id.
 *
 * <p>Plugin jars are loaded by a child of the application class loader, so they see the engine,
 * DJL and the other libraries of the host. Closing the host closes that loader.
 */
public final class PluginHost implements AutoCloseable {
  private final List<PluginInfo> plugins;
  private final List<Component> components;
  private final Injector injector;
  private final @Nullable URLClassLoader jarLoader;

  private PluginHost(List<PluginInfo> plugins, List<Component> components, Injector injector,
      @Nullable URLClassLoader jarLoader) {
    this.plugins = List.copyOf(plugins);
    this.components = List.copyOf(components);
    this.injector = injector;
    this.jarLoader = jarLoader;
  }

  /** Discovers plugins on the class path only. */
  public static PluginHost discover() {
    return discover(List.of());
  }

  /**
   * Discovers plugins on the class path and in every {@code *.jar} of the given directories;
   * directories that do not exist are ignored (the default {@code ./plugins} is optional).
   */
  public static PluginHost discover(List<Path> pluginDirs) {
    List<URL> jars = new ArrayList<>();
    for (Path dir : pluginDirs) {
      if (Files.isRegularFile(dir)) {
        throw new DfkdException("plugin directory " + dir + " is a file: pass a directory holding plugin jars");
      }
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> s = Files.list(dir)) {
        for (Path p : s.filter(f -> f.toString().endsWith(".jar")).sorted().toList()) {
          jars.add(p.toUri().toURL());
        }
      } catch (IOException e) {
        throw new DfkdException("cannot read plugin directory " + dir + ": " + e.getMessage());
      }
    }
    ClassLoader parent = PluginHost.class.getClassLoader();
    URLClassLoader jarLoader = jars.isEmpty() ? null
        : new URLClassLoader("rgal-plugins", jars.toArray(URL[]::new), parent);
    try {
      return load(jarLoader != null ? jarLoader : parent, jarLoader);
    } catch (RuntimeException e) {
      closeQuietly(jarLoader);
      throw e;
    }
  }

  private static PluginHost load(ClassLoader loader, @Nullable URLClassLoader jarLoader) {
    List<PluginInfo> infos = new ArrayList<>();
    // complete once discovery ends; a component asks for it only when it is built, later
    InstalledPlugins installed = () -> {
      Map<String, String> v = new TreeMap<>();
      infos.forEach(i -> v.put(i.id(), i.version()));
      return Collections.unmodifiableMap(v);
    };
    Module services = new HostServices(installed);
    List<Module> modules = new ArrayList<>();
    Map<String, PluginInfo> byId = new LinkedHashMap<>();
    // registry -> name -> plugin that bound it
    Map<Registry, Map<String, PluginInfo>> owners = new LinkedHashMap<>();
    List<Component> components = new ArrayList<>();

    Iterator<DfkdPlugin> it = ServiceLoader.load(DfkdPlugin.class, loader).iterator();
    while (true) {
      DfkdPlugin plugin;
      try {
        if (!it.hasNext()) {
          break;
        }
        plugin = it.next();
      } catch (ServiceConfigurationError | LinkageError e) {
        throw new DfkdException("a plugin could not be loaded (" + oneLine(e)
            + "): rebuild it against this version of plugin-api or remove its jar");
      }
      PluginInfo info = new PluginInfo(plugin.id(), plugin.version(), plugin.spiVersion(),
          plugin.toolkitVersion(), sourceOf(plugin.getClass()));
      if (info.spiVersion() != SpiVersion.MAJOR) {
        throw new DfkdException("plugin '" + info.id() + "' in " + info.source()
            + " was built for SPI version " + info.spiVersion() + " but this engine speaks version "
            + SpiVersion.MAJOR + ": rebuild the plugin against plugin-api " + SpiVersion.MAJOR
            + " or remove the jar");
      }
      if (info.toolkitVersion() != 0 && info.toolkitVersion() != ToolkitVersion.MAJOR) {
        throw new DfkdException("plugin '" + info.id() + "' in " + info.source()
            + " was built against toolkit version " + info.toolkitVersion() + " but this host has"
            + " version " + ToolkitVersion.MAJOR + ": rebuild the plugin against toolkit "
            + ToolkitVersion.MAJOR + " or remove the jar");
      }
      PluginInfo clash = byId.putIfAbsent(info.id(), info);
      if (clash != null) {
        throw new DfkdException("two plugins have the id '" + info.id() + "': " + clash.source()
            + " and " + info.source() + "; remove one of the jars");
      }
      Module module;
      Injector alone;
      try {
        module = plugin.module();
        alone = Guice.createInjector(Stage.DEVELOPMENT, module, services);
      } catch (RuntimeException | LinkageError e) {
        throw new DfkdException("plugin '" + info.id() + "' in " + info.source()
            + " failed to start (" + oneLine(e) + "): fix or remove the jar");
      }
      for (Registry registry : Registry.values()) {
        for (String name : namesIn(alone, registry)) {
          PluginInfo previous = owners.computeIfAbsent(registry, r -> new TreeMap<>()).putIfAbsent(name, info);
          if (previous != null) {
            throw new DfkdException("the " + registry.label() + " '" + name + "' is bound by two plugins: '"
                + previous.id() + "' (" + previous.source() + ") and '" + info.id() + "' ("
                + info.source() + "); remove one of the jars");
          }
          components.add(new Component(registry, name, info.id()));
        }
      }
      infos.add(info);
      modules.add(module);
    }
    modules.add(services);
    Injector injector = Guice.createInjector(Stage.PRODUCTION, modules);
    return new PluginHost(infos, components, injector, jarLoader);
  }

  private static List<String> namesIn(Injector injector, Registry registry) {
    Binding<?> b = injector.getExistingBinding(mapKey(registry.type()));
    if (b == null) {
      return List.of();
    }
    Map<?, ?> map = (Map<?, ?>) b.getProvider().get();
    return map.keySet().stream().map(String::valueOf).sorted().toList();
  }

  @SuppressWarnings("unchecked")
  private static <T> Key<Map<String, T>> mapKey(Class<T> type) {
    return (Key<Map<String, T>>) Key.get(Types.mapOf(String.class, type));
  }

  private static String sourceOf(Class<?> type) {
    CodeSource cs = type.getProtectionDomain().getCodeSource();
    if (cs == null || cs.getLocation() == null) {
      return "class path";
    }
    try {
      return Path.of(cs.getLocation().toURI()).toString();
    } catch (Exception e) {
      return cs.getLocation().toString();
    }
  }

  private static String oneLine(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String msg = root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    return msg.replaceAll("\\s+", " ");
  }

  private static void closeQuietly(@Nullable URLClassLoader l) {
    if (l != null) {
      try {
        l.close();
      } catch (IOException ignored) {
        // nothing left to release
      }
    }
  }

  public List<PluginInfo> plugins() {
    return plugins;
  }

  public List<Component> components() {
    return components;
  }

  /** The components of one registry, by name. */
  public <T> Map<String, T> registry(Registry registry, Class<T> type) {
    if (!registry.type().equals(type)) {
      throw new IllegalArgumentException(registry + " holds " + registry.type().getSimpleName());
    }
    Binding<Map<String, T>> b = injector.getExistingBinding(mapKey(type));
    return b == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(b.getProvider().get()));
  }

  /**
   * Looks up one component, failing with the message users see when a plugin is missing, e.g.
   * "no plugin provides component 'fast' (a synthesizer); known synthesizers: cmi, deepinversion".
   */
  public <T> T require(Registry registry, Class<T> type, String name) {
    Map<String, T> map = registry(registry, type);
    T value = map.get(name);
    if (value == null) {
      throw new DfkdException("no plugin provides component '" + name + "' (" + article(registry.label()) + "); known "
          + registry.label() + "s: " + (map.isEmpty() ? "(none)" : String.join(", ", map.keySet()))
          + " (add the plugin jar to the class path or --plugin-dir)");
    }
    return value;
  }

  private static String article(String noun) {
    return ("aeiou".indexOf(noun.charAt(0)) >= 0 ? "an " : "a ") + noun;
  }

  /** The plugin that contributed a component, for provenance. */
  public @Nullable PluginInfo ownerOf(Registry registry, String name) {
    for (Component c : components) {
      if (c.registry() == registry && c.name().equals(name)) {
        return plugins.stream().filter(p -> p.id().equals(c.pluginId())).findFirst().orElse(null);
      }
    }
    return null;
  }

  public Injector injector() {
    return injector;
  }

  @Override
  public void close() {
    closeQuietly(jarLoader);
  }
}
