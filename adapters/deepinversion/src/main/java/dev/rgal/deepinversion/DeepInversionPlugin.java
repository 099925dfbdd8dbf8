package dev.rgal.deepinversion;

import dev.rgal.toolkit.ToolkitVersion;
import com.google.inject.AbstractModule;
import com.google.inject.Module;
import dev.rgal.api.Bindings;
import dev.rgal.api.DfkdPlugin;
import dev.rgal.api.MethodDefinition;
import dev.rgal.api.MethodPreset;
import dev.rgal.api.synthesis.SynthesizerFactory;

/** Contributes the {@code deepinversion} synthesizer, the {@code deepinversion} method and its preset. */
public final class DeepInversionPlugin implements DfkdPlugin {
  static final String PRESET = "fmnist-lenet5-deepinversion";

  @Override
  public String id() {
    return "deepinversion";
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
        Bindings.synthesizers(binder()).addBinding("deepinversion").toInstance(
            SynthesizerFactory.declared(DeepInversionSynthesizer.OPTIONS, DeepInversionSynthesizer::new));
        Bindings.methods(binder()).addBinding("deepinversion").toInstance(new MethodDefinition("deepinversion",
            "DeepInversion + ADI: pixels optimised directly against BN statistics, one-hot and student competition",
            PRESET));
        Bindings.presets(binder()).addBinding(PRESET).toInstance(
            MethodPreset.fromResource(PRESET, DeepInversionPlugin.class, PRESET + ".json"));
      }
    };
  }
}
