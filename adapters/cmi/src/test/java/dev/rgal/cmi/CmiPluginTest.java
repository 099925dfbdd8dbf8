package dev.rgal.cmi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.rgal.api.Bindings.Registry;
import dev.rgal.api.ComponentRequest;
import dev.rgal.api.DataSpec;
import dev.rgal.api.DfkdException;
import dev.rgal.api.MethodDefinition;
import dev.rgal.api.RunSpec;
import dev.rgal.api.Settings;
import dev.rgal.api.TermSpec;
import dev.rgal.api.model.NetInfo;
import dev.rgal.api.options.OptionValues;
import dev.rgal.api.synthesis.SynthesisTermFactory;
import dev.rgal.api.synthesis.SynthesizerFactory;
import dev.rgal.testkit.PluginHarness;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The plugin's names are discoverable and the method resolves to the shipped preset. */
class CmiPluginTest {
  @Test
  void discoveryListsTheCmiNamesAndTheDefaultPresetResolves() {
    try (PluginHarness host = PluginHarness.open()) {
      assertTrue(host.pluginIds().contains("cmi"), host.plugins().toString());
      assertEquals("cmi", host.ownerOf(Registry.SYNTHESIS_TERMS, "cmi-contrastive"));
      assertTrue(host.registry(Registry.METHODS, MethodDefinition.class).containsKey("cmi"));
      assertTrue(host.registry(Registry.SYNTHESIZERS, SynthesizerFactory.class).containsKey("cmi"));
      assertTrue(host.registry(Registry.SYNTHESIS_TERMS, SynthesisTermFactory.class).containsKey("cmi-contrastive"));
      assertEquals("fmnist-lenet5-cmi", host.require(Registry.METHODS, MethodDefinition.class, "cmi").defaultPreset());

      RunSpec spec = host.spec("cmi", Map.of());
      assertEquals("cmi", spec.method());
      assertEquals("cmi", spec.synthesizer().name());
      TermSpec cr = spec.synthesisTerms().stream().filter(t -> t.name().equals("cmi-contrastive")).findFirst().orElseThrow();
      assertEquals(0.8, cr.weight());
      assertEquals("0.1", cr.settings().values().get("temperature"));
      assertEquals("256", cr.settings().values().get("headDim"));
      assertEquals("4096", cr.settings().values().get("negatives"));
      // the head's lr and the global view's padding are the term's own, equal to the synthesizer's
      assertEquals(spec.synthesizer().settings().values().get("lr"), cr.settings().values().get("headLr"));
      assertEquals(spec.synthesizer().settings().values().get("augPadding"), cr.settings().values().get("augPadding"));

      // the factory infers D from the teacher's architecture: LeNet-5-BN's BN layers have 6 + 16 + 120 channels
      SynthesisTermFactory factory = host.require(Registry.SYNTHESIS_TERMS, SynthesisTermFactory.class, "cmi-contrastive");
      try (NDManager m = NDManager.newBaseManager()) {
        ContrastiveTerm term = (ContrastiveTerm) factory.create(request(cr.settings(), spec, "lenet5-bn", m));
        assertEquals(142, term.head().inputDim());
        assertEquals(256, term.head().outputDim());
        assertEquals(4, term.head().parameters().size());
        DfkdException e = assertThrows(DfkdException.class,
            () -> factory.create(request(cr.settings(), spec, "plugin-net", m)));
        assertTrue(e.getMessage().contains("settings.featureDim"), e.getMessage());
        ContrastiveTerm given = (ContrastiveTerm) factory.create(request(cr.settings().with("featureDim", 10), spec, "plugin-net", m));
        assertEquals(10, given.head().inputDim());
      }
    }
  }

  private static ComponentRequest request(Settings settings, RunSpec spec, String teacherArch, NDManager m) {
    NetInfo teacher = new NetInfo(teacherArch, 1, 32, 32, 10, 84, List.of(6L, 16L, 120L), 3);
    NetInfo student = new NetInfo("lenet5-half-bn", 1, 32, 32, 10, 42, List.of(3L, 8L, 60L), 3);
    DataSpec data = new DataSpec("fashion-mnist", 1, 32, 32, 10, List.of(0.286), List.of(0.353));
    return new ComponentRequest(OptionValues.parse(ContrastiveTerm.OPTIONS, "cmi-contrastive", "", settings.values()),
        spec.seed(), teacher, student, data, m);
  }
}
