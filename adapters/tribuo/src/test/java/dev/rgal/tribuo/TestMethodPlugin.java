package dev.rgal.tribuo;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import dev.rgal.api.Bindings;
import dev.rgal.api.DfkdPlugin;
import dev.rgal.api.MethodDefinition;
import dev.rgal.api.MethodPreset;
import dev.rgal.toolkit.synthesis.PerCallGeneratorSynthesizer;

/**
 * Test-only: a tiny method (the engine's per-call generator) so a real distillation can run here,
 * and an observer that always fails.
 */
public final class TestMethodPlugin implements DfkdPlugin {
  static final String TINY = """
      {"method": "tribuo-test", "studentArch": "lenet5-half-bn", "seed": 3,
       "schedule": {"epochs": 1, "kdStepsPerEpoch": 4, "synthesisBatchSize": 64, "synthesisCallsPerEpoch": 1, "warmupCalls": 0},
              "kdAugmentation": {"cropPadding": 2, "horizontalFlip": true},
       "synthesizer": {"name": "tribuo-test-generator", "settings": {"gSteps": 2, "lr": 0.01, "nz": 32, "ngf": 8}},
       "synthesisTerms": [{"name": "bn", "weight": 1}, {"name": "onehot", "weight": 1}],
       "trainer": {"name": "kd", "settings": {"lr": 0.05, "batchSize": 64}}, "studentTerms": []}
      """;

  @Override
  public String id() {
    return "tribuo-tests";
  }

  @Override
  public Module module() {
    return new AbstractModule() {
      @Override
      protected void configure() {
        Bindings.synthesizers(binder()).addBinding("tribuo-test-generator").toInstance(
            dev.rgal.api.synthesis.SynthesizerFactory.declared(PerCallGeneratorSynthesizer.OPTIONS, PerCallGeneratorSynthesizer::new));
        Bindings.methods(binder()).addBinding("tribuo-test").toInstance(
            new MethodDefinition("tribuo-test", "tribuo adapter test method", "tribuo-test-tiny"));
        // always fails: a failing observer must not fail the finished run
        Bindings.observers(binder()).addBinding("zz-failing").toInstance(o -> {
          throw new IllegalStateException("observer broke on purpose");
        });
        Bindings.presets(binder()).addBinding("tribuo-test-tiny").toInstance(new MethodPreset("tribuo-test-tiny", TINY));
      }
    };
  }
}
