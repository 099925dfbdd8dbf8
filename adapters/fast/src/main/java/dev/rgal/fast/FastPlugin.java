package dev.rgal.fast;

import dev.rgal.toolkit.ToolkitVersion;
import com.google.inject.AbstractModule;
import com.google.inject.Module;
import dev.rgal.api.Bindings;
import dev.rgal.api.DfkdPlugin;
import dev.rgal.api.MethodDefinition;
import dev.rgal.api.MethodPreset;
import dev.rgal.api.synthesis.SynthesizerFactory;

/** Contributes the {@code fast} synthesizer, the {@code fast} method and its presets. */
public final class FastPlugin implements DfkdPlugin {
  @Override
  public String id() {
    return "fast";
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
        Bindings.synthesizers(binder()).addBinding("fast").toInstance(
            SynthesizerFactory.declared(FastSynthesizer.OPTIONS, FastSynthesizer::new));
        Bindings.methods(binder()).addBinding("fast").toInstance(new MethodDefinition("fast",
            "Fast: meta-generator, first-order MAML, a few inner steps per batch", "fmnist-lenet5-fast"));
        Bindings.presets(binder()).addBinding("fmnist-lenet5-fast").toInstance(
            MethodPreset.fromResource("fmnist-lenet5-fast", FastPlugin.class, "fmnist-lenet5-fast.json"));
        // issue 19's best data-free student so far: more images and three times the KD steps per epoch
        Bindings.presets(binder()).addBinding("fmnist-lenet5-best").toInstance(
            MethodPreset.fromResource("fmnist-lenet5-best", FastPlugin.class, "fmnist-lenet5-best.json"));
      }
    };
  }
}
