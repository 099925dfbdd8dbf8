package dev.rgal.kernel.run;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import dev.rgal.api.Bindings;
import dev.rgal.api.DfkdPlugin;
import dev.rgal.api.MethodDefinition;
import dev.rgal.api.MethodPreset;
import dev.rgal.api.TagContributor;
import dev.rgal.api.options.Option;
import dev.rgal.api.options.Options;
import dev.rgal.api.synthesis.SynthesisTerm;
import dev.rgal.api.synthesis.SynthesisTermFactory;
import dev.rgal.api.synthesis.SynthesizerFactory;
import dev.rgal.api.training.StudentTermFactory;
import dev.rgal.toolkit.synthesis.PerCallGeneratorSynthesizer;

/**
 * A test-only plugin (engine tests cannot see the method plugins): a per-call generator
 * synthesizer under a test name, a tiny preset, and a term that turns NaN from a given call on.
 */
public final class TestMethodsPlugin implements DfkdPlugin {
  static final Option<Integer> FROM_CALL = Option.integer("fromCall", 1, "first synthesis call that returns NaN").atLeast(0);
  static final String TINY = """
      {"method": "test", "studentArch": "lenet5-half-bn", "seed": 0,
       "schedule": {"epochs": 3, "kdStepsPerEpoch": 25, "synthesisBatchSize": 128, "synthesisCallsPerEpoch": 1, "warmupCalls": 1},
       "kdAugmentation": {"cropPadding": 2, "horizontalFlip": true},
       "synthesizer": {"name": "test-generator", "settings": {"gSteps": 10, "lr": 0.01, "nz": 64, "ngf": 16}},
       "synthesisTerms": [{"name": "bn", "weight": 1}, {"name": "onehot", "weight": 1}, {"name": "adv", "weight": 1}],
       "trainer": {"name": "kd", "settings": {"lr": 0.05, "batchSize": 128}}, "studentTerms": []}
      """;

  /** The tiny preset naming a synthesizer no plugin provides. */
  static final String BROKEN = TINY.replace("\"test-generator\"", "\"no-such-synth\"");
  static final Option<String> FLAVOUR = Option.text("flavour", "plain", "the value of the test.flavour tag");
  static final Option<Double> SCALE = Option.real("scale", 1.0, "multiplies the logit L2").atLeast(0);

  @Override
  public String id() {
    return "engine-tests";
  }

  @Override
  public Module module() {
    return new AbstractModule() {
      @Override
      protected void configure() {
        Bindings.synthesizers(binder()).addBinding("test-generator").toInstance(
            SynthesizerFactory.declared(PerCallGeneratorSynthesizer.OPTIONS, PerCallGeneratorSynthesizer::new));
        Bindings.methods(binder()).addBinding("test").toInstance(new MethodDefinition("test", "engine test method", "test-tiny"));
        Bindings.presets(binder()).addBinding("test-tiny").toInstance(new MethodPreset("test-tiny", TINY));
        Bindings.presets(binder()).addBinding("test-broken").toInstance(new MethodPreset("test-broken", BROKEN));
        Bindings.studentTerms(binder()).addBinding("test-logit-l2").toInstance(StudentTermFactory.declared(Options.of(SCALE), r -> {
          float scale = r.options().get(SCALE).floatValue();
          return step -> step.student().logits().sub(step.teacher().logits()).square().mean().mul(scale);
        }));
        // a zero-loss term that tags the run, for the kernel's tag collection
        for (String name : new String[] {"test-tag", "test-tag-2"}) {
          Bindings.synthesisTerms(binder()).addBinding(name).toInstance(
              SynthesisTermFactory.declared(Options.of(FLAVOUR), r -> new TaggingTerm(r.options().get(FLAVOUR))));
        }
        Bindings.synthesisTerms(binder()).addBinding("test-nan").toInstance(SynthesisTermFactory.declared(Options.of(FROM_CALL), r -> {
          int from = r.options().get(FROM_CALL);
          return (SynthesisTerm) step -> step.call() >= from
              ? step.teacher().logits().sum().mul(Float.NaN) : step.teacher().logits().sum().mul(0f);
        }));
      }
    };
  }

  /** Adds nothing to the loss; tags the run {@code test.flavour=<flavour>}. */
  record TaggingTerm(String flavour) implements SynthesisTerm, TagContributor {
    @Override
    public ai.djl.ndarray.NDArray loss(dev.rgal.api.synthesis.SynthesisStep step) {
      return step.teacher().logits().sum().mul(0f);
    }

    @Override
    public java.util.Map<String, String> runTags() {
      return java.util.Map.of("test.flavour", flavour);
    }
  }
}
