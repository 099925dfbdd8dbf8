package dev.rgal.rgal;

import dev.rgal.toolkit.ToolkitVersion;
import com.google.inject.AbstractModule;
import com.google.inject.Module;
import dev.rgal.api.Bindings;
import dev.rgal.api.DfkdPlugin;
import dev.rgal.api.MethodDefinition;
import dev.rgal.api.MethodPreset;
import dev.rgal.api.synthesis.SynthesisTermFactory;
import dev.rgal.api.synthesis.SynthesizerFactory;
import dev.rgal.api.training.StudentTermFactory;
import dev.rgal.api.training.StudentTrainerFactory;
import dev.rgal.toolkit.synthesis.PerCallGeneratorSynthesizer;
import dev.rgal.toolkit.train.KdTrainer;

/**
 * RGAL as a drop-in plugin: the {@code rgal-relation} synthesis term, the {@code rgal-relation}
 * and {@code rgal-cd} student terms, the {@code rgal} student trainer, the {@code +rgal}
 * extension, and the {@code rgal} method (the released configuration: a per-call generator
 * without CMI's contrastive head, plus both components).
 */
public final class RgalPlugin implements DfkdPlugin {
  @Override
  public String id() {
    return "rgal";
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
        Bindings.synthesisTerms(binder()).addBinding("rgal-relation").toInstance(
            SynthesisTermFactory.declared(RelationSynthesisTerm.OPTIONS, RelationSynthesisTerm::new));
        Bindings.studentTerms(binder()).addBinding("rgal-relation").toInstance(
            StudentTermFactory.declared(RelationStudentTerm.OPTIONS, RelationStudentTerm::new));
        Bindings.studentTerms(binder()).addBinding("rgal-cd").toInstance(ChannelDistillationTerm::new);
        // the rgal trainer is the KD loop (paired views come from its terms) whose default student
        // terms are RGAL's two: choosing the trainer alone is enough, and resolution writes the
        // terms into the spec so the logged params show them
        Bindings.studentTrainers(binder()).addBinding("rgal").toInstance(
            StudentTrainerFactory.declared(KdTrainer.OPTIONS, RgalExtension.studentTerms(), KdTrainer::new));
        Bindings.synthesizers(binder()).addBinding("rgal").toInstance(
            SynthesizerFactory.declared(PerCallGeneratorSynthesizer.OPTIONS, PerCallGeneratorSynthesizer::new));
        Bindings.extensions(binder()).addBinding("rgal").toInstance(new RgalExtension());
        Bindings.methods(binder()).addBinding("rgal").toInstance(new MethodDefinition("rgal",
            "RGAL as released: per-call generator + relation-guided synthesis term + RGAL student trainer",
            "fmnist-lenet5-rgal"));
        Bindings.presets(binder()).addBinding("fmnist-lenet5-rgal").toInstance(
            MethodPreset.fromResource("fmnist-lenet5-rgal", RgalPlugin.class, "fmnist-lenet5-rgal.json"));
      }
    };
  }

}
