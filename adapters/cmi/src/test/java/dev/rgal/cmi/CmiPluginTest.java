package dev.rgal.cmi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rgal.api.Bindings.Registry;
import dev.rgal.api.MethodDefinition;
import dev.rgal.api.RunSpec;
import dev.rgal.api.TermSpec;
import dev.rgal.api.synthesis.SynthesisTermFactory;
import dev.rgal.api.synthesis.SynthesizerFactory;
import dev.rgal.engine.plugin.PluginHost;
import dev.rgal.engine.run.MethodResolver;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The plugin's names are discoverable and the method resolves to the shipped preset. */
class CmiPluginTest {
  @Test
  void discoveryListsTheCmiNamesAndTheDefaultPresetResolves() {
    try (PluginHost host = PluginHost.discover()) {
      assertTrue(host.plugins().stream().anyMatch(p -> p.toString().contains("cmi")), host.plugins().toString());
      assertTrue(host.registry(Registry.METHODS, MethodDefinition.class).containsKey("cmi"));
      assertTrue(host.registry(Registry.SYNTHESIZERS, SynthesizerFactory.class).containsKey("cmi"));
      assertTrue(host.registry(Registry.SYNTHESIS_TERMS, SynthesisTermFactory.class).containsKey("cmi-contrastive"));
      assertEquals("fmnist-lenet5-cmi", host.require(Registry.METHODS, MethodDefinition.class, "cmi").defaultPreset());

      RunSpec spec = new MethodResolver(host).resolve("cmi", null, Map.of());
      assertEquals("cmi", spec.method());
      assertEquals("cmi", spec.synthesizer().name());
      TermSpec cr = spec.synthesisTerms().stream().filter(t -> t.name().equals("cmi-contrastive")).findFirst().orElseThrow();
      assertEquals(0.8, cr.weight());
      assertEquals(0.1, cr.settings().getDouble("temperature", 0));
      assertEquals(256, cr.settings().getInt("headDim", 0));
      assertEquals(4096, cr.settings().getInt("negatives", 0));
    }
  }
}
