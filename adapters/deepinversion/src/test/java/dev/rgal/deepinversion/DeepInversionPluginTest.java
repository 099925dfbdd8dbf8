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
import dev.rgal.testkit.PluginHarness;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The plugin's names reach the engine through ordinary discovery. */
class DeepInversionPluginTest {
  @Test
  void synthesizerMethodAndPresetAreDiscoverable() {
    try (PluginHarness host = PluginHarness.open()) {
      assertTrue(host.pluginIds().contains("deepinversion"));
      assertNotNull(host.registry(Registry.SYNTHESIZERS, SynthesizerFactory.class).get("deepinversion"));
      assertEquals("deepinversion", host.ownerOf(Registry.SYNTHESIZERS, "deepinversion"));
      MethodDefinition m = host.require(Registry.METHODS, MethodDefinition.class, "deepinversion");
      assertEquals("fmnist-lenet5-deepinversion", m.defaultPreset());
      assertNotNull(host.require(Registry.PRESETS, MethodPreset.class, "fmnist-lenet5-deepinversion"));

      RunSpec spec = host.spec("deepinversion", Map.of());
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
