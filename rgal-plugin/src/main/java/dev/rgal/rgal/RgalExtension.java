package dev.rgal.rgal;

import dev.rgal.api.ComponentSpec;
import dev.rgal.api.MethodExtension;
import dev.rgal.api.RunSpec;
import dev.rgal.api.Settings;
import dev.rgal.api.TermSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code +rgal}: adds RGAL's two components to any method ({@code benchmarks/fmnist-lenet5.md}):
 * the synthesis term {@code rgal-relation} (0.1, student stages [2:4], focal sampler, direction
 * {@code released}) and the {@code rgal} student trainer with {@code rgal-relation} (0.1) and
 * {@code rgal-cd} (0.1) on paired views. Everything else of the base method is unchanged, so
 * {@code X+rgal} differs from {@code X} by RGAL alone.
 */
public final class RgalExtension implements MethodExtension {
  static final double WEIGHT = 0.1;

  /** RGAL's student terms at their released weights (also the {@code rgal} trainer's defaults). */
  static List<TermSpec> studentTerms() {
    return List.of(new TermSpec("rgal-relation", WEIGHT, new Settings(Map.of("precision", "reproduce"))),
        TermSpec.of("rgal-cd", WEIGHT));
  }

  @Override
  public RunSpec extend(RunSpec base) {
    List<TermSpec> synth = new ArrayList<>(base.synthesisTerms());
    synth.removeIf(t -> t.name().equals("rgal-relation"));
    synth.add(new TermSpec("rgal-relation", WEIGHT, new Settings(Map.of(
        "startLayer", "2", "endLayer", "4", "direction", "released", "precision", "reproduce", "target", "student"))));
    List<TermSpec> student = new ArrayList<>(base.studentTerms());
    student.removeIf(t -> t.name().equals("rgal-relation") || t.name().equals("rgal-cd"));
    student.addAll(studentTerms());
    return base.toBuilder()
        .synthesisTerms(synth)
        .trainer(new ComponentSpec("rgal", base.trainer().settings()))
        .studentTerms(student)
        .build();
  }
}
