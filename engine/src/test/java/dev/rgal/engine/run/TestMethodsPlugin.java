package dev.rgal.engine.run;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import dev.rgal.api.Bindings;
import dev.rgal.api.DfkdPlugin;
import dev.rgal.api.MethodDefinition;
import dev.rgal.api.MethodPreset;
import dev.rgal.api.synthesis.SynthesisTerm;
import dev.rgal.engine.synthesis.PerCallGeneratorSynthesizer;

/**
 * A test-only plugin (engine tests cannot see the method plugins): a per-call generator
 * synthesizer under a test name, a tiny preset, and a term that turns NaN from a given call on.
 */
public final class TestMethodsPlugin implements DfkdPlugin {
  static final String TINY = """
      {"method": "test", "studentArch": "lenet5-half-bn", "seed": 0,
       "schedule": {"epochs": 3, "kdStepsPerEpoch": 25, "kdBatchSize": 128, "synthesisBatchSize": 128, "synthesisCallsPerEpoch": 1, "warmupCalls": 1},
       "optimizer": {"lr": 0.05, "momentum": 0.9, "weightDecay": 1e-4, "schedule": "cosine", "lrMin": 0.0},
       "temperature": 20, "kdAugmentation": {"cropPadding": 2, "horizontalFlip": true},
       "synthesizer": {"name": "test-generator", "settings": {"gSteps": 10, "lr": 0.01, "nz": 64, "ngf": 16}},
       "synthesisTerms": [{"name": "bn", "weight": 1}, {"name": "onehot", "weight": 1}, {"name": "adv", "weight": 1}],
       "trainer": {"name": "kd"}, "studentTerms": []}
      """;

  @Override
  public String id() {
    return "engine-tests";
  }

  @Override
  public Module module() {
    return new AbstractModule() {
      @Override
      protected void configure() {
        Bindings.synthesizers(binder()).addBinding("test-generator").toInstance(PerCallGeneratorSynthesizer::new);
        Bindings.methods(binder()).addBinding("test").toInstance(new MethodDefinition("test", "engine test method", "test-tiny"));
        Bindings.presets(binder()).addBinding("test-tiny").toInstance(new MethodPreset("test-tiny", TINY));
        Bindings.synthesisTerms(binder()).addBinding("test-nan").toInstance(r -> {
          int from = r.settings().getInt("fromCall", 1);
          return (SynthesisTerm) step -> step.call() >= from
              ? step.teacher().logits().sum().mul(Float.NaN) : step.teacher().logits().sum().mul(0f);
        });
      }
    };
  }
}
