package dev.rgal.kernel.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rgal.api.Bindings.Registry;
import dev.rgal.api.DfkdException;
import dev.rgal.api.SpiVersion;
import dev.rgal.toolkit.ToolkitVersion;
import dev.rgal.api.synthesis.SynthesizerFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginHostTest {
  @TempDir Path tmp;

  @Test
  void findsPluginJarsInDirectoryAndListsTheirComponents() throws Exception {
    Path dir = tmp.resolve("plugins");
    PluginJars.build(dir, "alpha.jar", "p.alpha.AlphaPlugin",
        PluginJars.synthesizerPlugin("p.alpha", "AlphaPlugin", "alpha", "noise", SpiVersion.MAJOR));
    try (PluginHost host = PluginHost.discover(List.of(dir))) {
      PluginInfo alpha = host.plugins().stream().filter(p -> p.id().equals("alpha")).findFirst().orElseThrow();
      assertTrue(alpha.source().endsWith("alpha.jar"), alpha.source());
      assertTrue(host.components().contains(new Component(Registry.SYNTHESIZERS, "noise", "alpha")));
      assertTrue(host.registry(Registry.SYNTHESIZERS, SynthesizerFactory.class).containsKey("noise"));
      assertEquals("alpha", host.ownerOf(Registry.SYNTHESIZERS, "noise").id());
    }
  }

  @Test
  void withoutTheJarTheNameIsUnknownWithAClearMessage() {
    try (PluginHost host = PluginHost.discover(List.of(tmp.resolve("missing")))) {
      DfkdException e = assertThrows(DfkdException.class,
          () -> host.require(Registry.SYNTHESIZERS, SynthesizerFactory.class, "noise"));
      assertTrue(e.getMessage().startsWith("no plugin provides component 'noise' (a synthesizer)"), e.getMessage());
    }
  }

  @Test
  void twoPluginsBindingOneNameFailNamingBothJars() throws Exception {
    Path dir = tmp.resolve("plugins");
    PluginJars.build(dir, "alpha.jar", "p.alpha.AlphaPlugin",
        PluginJars.synthesizerPlugin("p.alpha", "AlphaPlugin", "alpha", "noise", SpiVersion.MAJOR));
    PluginJars.build(dir, "beta.jar", "p.beta.BetaPlugin",
        PluginJars.synthesizerPlugin("p.beta", "BetaPlugin", "beta", "noise", SpiVersion.MAJOR));
    DfkdException e = assertThrows(DfkdException.class, () -> PluginHost.discover(List.of(dir)));
    assertTrue(e.getMessage().contains("alpha.jar") && e.getMessage().contains("beta.jar"), e.getMessage());
    assertTrue(e.getMessage().contains("'noise'"), e.getMessage());
    assertEquals(1, e.getMessage().lines().count());
  }

  @Test
  void pluginOfAnotherSpiVersionIsRefusedNamingTheJar() throws Exception {
    Path dir = tmp.resolve("plugins");
    PluginJars.build(dir, "future.jar", "p.future.FuturePlugin",
        PluginJars.synthesizerPlugin("p.future", "FuturePlugin", "future", "warp", SpiVersion.MAJOR + 1));
    DfkdException e = assertThrows(DfkdException.class, () -> PluginHost.discover(List.of(dir)));
    assertTrue(e.getMessage().contains("future.jar"), e.getMessage());
    assertTrue(e.getMessage().contains("SPI version " + (SpiVersion.MAJOR + 1)), e.getMessage());
  }

  @Test
  void pluginBuiltAgainstAnotherToolkitMajorIsRefusedNamingTheJarAndTheFix() throws Exception {
    Path dir = tmp.resolve("plugins");
    int other = ToolkitVersion.MAJOR + 1;
    PluginJars.build(dir, "old.jar", "p.old.OldPlugin",
        PluginJars.synthesizerPlugin("p.old", "OldPlugin", "old", "warp", SpiVersion.MAJOR, other));
    DfkdException e = assertThrows(DfkdException.class, () -> PluginHost.discover(List.of(dir)));
    assertTrue(e.getMessage().contains("old.jar"), e.getMessage());
    assertTrue(e.getMessage().contains("toolkit version " + other), e.getMessage());
    assertTrue(e.getMessage().contains("rebuild the plugin against toolkit " + ToolkitVersion.MAJOR), e.getMessage());
    assertEquals(1, e.getMessage().lines().count());
  }

  @Test
  void pluginsOfTheHostsToolkitMajorOrOfNoToolkitLoad() throws Exception {
    Path dir = tmp.resolve("plugins");
    PluginJars.build(dir, "same.jar", "p.same.SamePlugin", PluginJars.synthesizerPlugin(
        "p.same", "SamePlugin", "same", "warp", SpiVersion.MAJOR, ToolkitVersion.MAJOR));
    PluginJars.build(dir, "none.jar", "p.none.NonePlugin", PluginJars.synthesizerPlugin(
        "p.none", "NonePlugin", "none", "weft", SpiVersion.MAJOR, 0));
    try (PluginHost host = PluginHost.discover(List.of(dir))) {
      var byId = new java.util.HashMap<String, PluginInfo>();
      host.plugins().forEach(i -> byId.put(i.id(), i));
      assertEquals(ToolkitVersion.MAJOR, byId.get("same").toolkitVersion());
      assertEquals(0, byId.get("none").toolkitVersion());
      assertEquals(ToolkitVersion.MAJOR, byId.get("toolkit").toolkitVersion(), "the toolkit's own plugin");
    }
  }

  @Test
  void componentsGetTheHostsArchitecturesAndPluginListByInjection() {
    try (PluginHost host = PluginHost.discover()) {
      dev.rgal.api.model.Architectures archs = host.injector().getInstance(dev.rgal.api.model.Architectures.class);
      assertEquals(host.registry(dev.rgal.api.Bindings.Registry.ARCHITECTURES, dev.rgal.api.model.ArchitectureFactory.class).keySet(),
          new java.util.TreeSet<>(archs.names()));
      assertTrue(archs.names().contains("lenet5-bn"), archs.names().toString());
      DfkdException e = assertThrows(DfkdException.class, () -> archs.factory("lenet-7"));
      assertTrue(e.getMessage().contains("'lenet-7'") && e.getMessage().contains("lenet5-bn"), e.getMessage());
      Map<String, String> versions = host.injector().getInstance(dev.rgal.api.InstalledPlugins.class).versions();
      assertEquals(host.plugins().stream().map(PluginInfo::id).sorted().toList(), List.copyOf(versions.keySet()));
    }
  }
}
