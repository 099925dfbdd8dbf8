package dev.rgal.deepinversion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rgal.api.Bindings.Registry;
import dev.rgal.api.MethodDefinition;
import dev.rgal.api.MethodPreset;
import dev.rgal.api.RunSpec;
import dev.rgal.api.TermSpec;
import dev.rgal.api.synthesis.SynthesizerFactory;
import dev.rgal.kernel.plugin.PluginHost;
import dev.rgal.kernel.plugin.PluginInfo;
import dev.rgal.kernel.run.MethodResolver;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The plugin's names reach the engine through ordinary discovery. */
class DeepInversionPluginTest {
  @Test
  void synthesizerMethodAndPresetAreDiscoverable() {
    try (PluginHost host = PluginHost.discover()) {
      assertTrue(host.plugins().stream().map(PluginInfo::id).toList().contains("deepinversion"));
      assertNotNull(host.registry(Registry.SYNTHESIZERS, SynthesizerFactory.class).get("deepinversion"));
      PluginInfo owner = host.ownerOf(Registry.SYNTHESIZERS, "deepinversion");
      assertNotNull(owner);
      assertEquals("deepinversion", owner.id());
      MethodDefinition m = host.require(Registry.METHODS, MethodDefinition.class, "deepinversion");
      assertEquals("fmnist-lenet5-deepinversion", m.defaultPreset());
      assertNotNull(host.require(Registry.PRESETS, MethodPreset.class, "fmnist-lenet5-deepinversion"));

      RunSpec spec = new MethodResolver(host).resolve("deepinversion", null, Map.of());
      assertEquals("deepinversion", spec.method());
      assertEquals("deepinversion", spec.synthesizer().name());
      assertEquals(200, Integer.parseInt(spec.synthesizer().settings().values().get("gSteps")));
      assertEquals(0.1, Double.parseDouble(spec.synthesizer().settings().values().get("lr")), 0);
      assertEquals(List.of("bn", "onehot", "adi", "tv-l2", "l2"),
          spec.synthesisTerms().stream().map(TermSpec::name).toList());
      // every term the preset names is provided by some plugin (the engine's core one)
      for (TermSpec t : spec.synthesisTerms()) {
        assertNotNull(host.ownerOf(Registry.SYNTHESIS_TERMS, t.name()), t.name());
      }
    }
  }
}
