package dev.rgal.cmi;

import dev.rgal.toolkit.ToolkitVersion;
import com.google.inject.AbstractModule;
import com.google.inject.Module;
import dev.rgal.api.Bindings;
import dev.rgal.api.DfkdPlugin;
import dev.rgal.api.MethodDefinition;
import dev.rgal.api.MethodPreset;
import dev.rgal.api.synthesis.SynthesisTermFactory;
import dev.rgal.api.synthesis.SynthesizerFactory;
import dev.rgal.toolkit.synthesis.PerCallGeneratorSynthesizer;

/**
 * Contributes the {@code cmi} synthesizer (the engine's per-call generator), the
 * {@code cmi-contrastive} synthesis term, the {@code cmi} method and its preset.
 */
public final class CmiPlugin implements DfkdPlugin {
  @Override
  public String id() {
    return "cmi";
  }

  @Override
  public int toolkitVersion() {
    return ToolkitVersion.MAJOR;
  }

  @Override
  public Module module() {
    return new AbstractModule() {
      @Override
      protected void configure() {
        Bindings.synthesizers(binder()).addBinding("cmi").toInstance(
            SynthesizerFactory.declared(PerCallGeneratorSynthesizer.OPTIONS, PerCallGeneratorSynthesizer::new));
        Bindings.synthesisTerms(binder()).addBinding("cmi-contrastive").to(ContrastiveTermFactory.class);
        Bindings.methods(binder()).addBinding("cmi").toInstance(new MethodDefinition("cmi",
            "CMI: generator re-initialised per call, contrastive instance discrimination against a memory bank",
            "fmnist-lenet5-cmi"));
        Bindings.presets(binder()).addBinding("fmnist-lenet5-cmi").toInstance(
            MethodPreset.fromResource("fmnist-lenet5-cmi", CmiPlugin.class, "fmnist-lenet5-cmi.json"));
      }
    };
  }
}
