package dev.rgal.rgal;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import dev.rgal.api.Bindings;
import dev.rgal.api.DfkdPlugin;
import dev.rgal.api.MethodDefinition;
import dev.rgal.api.MethodPreset;
import dev.rgal.toolkit.synthesis.PerCallGeneratorSynthesizer;

/**
 * Test-only base method ({@code plain}): the method plugins are not on this module's class path
 * (plugins depend on the API, not on each other), so {@code +rgal} is tested on this one.
 */
public final class PlainMethodPlugin implements DfkdPlugin {
  static final String PRESET = """
      {"method": "plain", "studentArch": "lenet5-half-bn", "seed": 0,
       "schedule": {"epochs": 2, "kdStepsPerEpoch": 30, "synthesisBatchSize": 128, "synthesisCallsPerEpoch": 1, "warmupCalls": 1},
              "kdAugmentation": {"cropPadding": 2, "horizontalFlip": true},
       "synthesizer": {"name": "plain-generator", "settings": {"gSteps": 10, "lr": 0.01, "nz": 64, "ngf": 16}},
       "synthesisTerms": [{"name": "bn", "weight": 1}, {"name": "onehot", "weight": 1}, {"name": "adv", "weight": 1}],
       "trainer": {"name": "kd", "settings": {"lr": 0.1, "batchSize": 128}}, "studentTerms": []}
      """;

  @Override
  public String id() {
    return "plain-test";
  }

  @Override
  public Module module() {
    return new AbstractModule() {
      @Override
      protected void configure() {
        Bindings.synthesizers(binder()).addBinding("plain-generator").toInstance(
            dev.rgal.api.synthesis.SynthesizerFactory.declared(PerCallGeneratorSynthesizer.OPTIONS, PerCallGeneratorSynthesizer::new));
        Bindings.methods(binder()).addBinding("plain").toInstance(new MethodDefinition("plain", "test base method", "plain-tiny"));
        Bindings.presets(binder()).addBinding("plain-tiny").toInstance(new MethodPreset("plain-tiny", PRESET));
      }
    };
  }
}
