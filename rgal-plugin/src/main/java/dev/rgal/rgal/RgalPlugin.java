package dev.rgal.rgal;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import dev.rgal.api.Bindings;
import dev.rgal.api.DfkdPlugin;
import dev.rgal.api.MethodDefinition;
import dev.rgal.api.MethodPreset;
import dev.rgal.api.WeightedTerm;
import dev.rgal.api.training.StudentTerm;
import dev.rgal.engine.synthesis.PerCallGeneratorSynthesizer;
import dev.rgal.engine.train.KdTrainer;
import java.util.List;

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
  public Module module() {
    return new AbstractModule() {
      @Override
      protected void configure() {
        Bindings.synthesisTerms(binder()).addBinding("rgal-relation").toInstance(RelationSynthesisTerm::new);
        Bindings.studentTerms(binder()).addBinding("rgal-relation").toInstance(RelationStudentTerm::new);
        Bindings.studentTerms(binder()).addBinding("rgal-cd").toInstance(ChannelDistillationTerm::new);
        // the rgal trainer is the KD loop with paired views; without RGAL terms in the spec it
        // adds both at their released weights, so choosing the trainer alone is enough
        Bindings.studentTrainers(binder()).addBinding("rgal").toInstance((request, student, terms) -> {
          List<WeightedTerm<StudentTerm>> all = terms;
          // only when the spec names no RGAL student term at all: a term set to weight 0 is an
          // explicit choice (ablation) and stays off
          if (request.spec().studentTerms().stream().noneMatch(t -> t.name().startsWith("rgal-"))) {
            all = List.of(
                new WeightedTerm<>("rgal-relation", RgalExtension.WEIGHT, new RelationStudentTerm(request)),
                new WeightedTerm<>("rgal-cd", RgalExtension.WEIGHT, new ChannelDistillationTerm(request)));
          }
          return new KdTrainer(request, student, all);
        });
        Bindings.synthesizers(binder()).addBinding("rgal").toInstance(PerCallGeneratorSynthesizer::new);
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
