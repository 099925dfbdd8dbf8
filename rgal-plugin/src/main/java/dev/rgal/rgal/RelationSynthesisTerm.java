package dev.rgal.rgal;

import dev.rgal.api.TagContributor;
import java.util.Map;
import ai.djl.ndarray.NDArray;
import dev.rgal.api.ComponentRequest;
import dev.rgal.api.DfkdException;
import dev.rgal.api.model.Features;
import dev.rgal.api.options.Option;
import dev.rgal.api.options.OptionValues;
import dev.rgal.api.options.Options;
import dev.rgal.api.synthesis.SynthesisStep;
import dev.rgal.api.synthesis.SynthesisTerm;
import java.util.List;
import java.util.Locale;

/**
 * RGAL's synthesis component ({@code spec/rgal-method.md} §3, §6.2): the relation loss on the
 * student's stages {@code [startLayer, endLayer)} (pooled, normalised), negatives drawn by the
 * focal sampler on the teacher's logits, labels = teacher argmax. Like the adversarial term it
 * reads the student and waits for the warm-up to end.
 *
 * <p>Options: {@link #OPTIONS}; its negative draws are seeded from the run seed.
 */
final class RelationSynthesisTerm implements SynthesisTerm, TagContributor {
  static final Option<Integer> START_LAYER = Option.integer("startLayer", 2,
      "first stage (0-based) whose pooled features enter the relation loss").atLeast(0);
  static final Option<Integer> END_LAYER = Option.integer("endLayer", 4,
      "stage after the last one used (clipped to the stage count)").atLeast(1);
  static final Option<String> TARGET = Option.choice("target", "student",
      "whose stages the loss reads", "student", "teacher");
  static final Options OPTIONS = Options.of(START_LAYER, END_LAYER, RgalSettings.DIRECTION,
      RgalSettings.PRECISION, TARGET);

  private final int start;
  private final int end;
  private final boolean onStudent;
  private final RelationLoss loss;

  RelationSynthesisTerm(ComponentRequest r) {
    OptionValues s = r.options();
    start = s.get(START_LAYER);
    end = s.get(END_LAYER);
    String target = s.get(TARGET);
    onStudent = target.equals("student");
    int stages = onStudent ? r.student().stageChannels().size() : r.teacher().stageChannels().size();
    if (start < 0 || start >= Math.min(end, stages)) {
      throw new DfkdException("rgal-relation layers [" + start + ":" + end + ") select no stage of the "
          + target + " (it has " + stages + "): set synthesisTerms.rgal-relation.settings.startLayer below " + stages);
    }
    loss = RelationLoss.builder()
        .sampler(NegativeSampler.focal(RgalSettings.precision(s.get(RgalSettings.PRECISION))))
        .direction(RgalSettings.direction(s.get(RgalSettings.DIRECTION)))
        .draws(NegativeDraws.categorical(r.seed() * 31 + 17))
        .build();
  }

  @Override
  public NDArray loss(SynthesisStep step) {
    Features f = onStudent ? step.requireStudent() : step.teacher();
    List<NDArray> stages = f.stages().subList(start, Math.min(end, f.stages().size()));
    NDArray teacherLogits = step.teacher().logits().stopGradient();
    return loss.loss(stages, teacherLogits, teacherLogits.argMax(1));
  }

  @Override
  public boolean needsStudent() {
    return onStudent;
  }

  @Override
  public boolean activeDuringWarmup() {
    return false;
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  /** The run used RGAL's relation objective ({@code rgal=on}; which half in {@code rgal.synthesisTerm}). */
  @Override
  public Map<String, String> runTags() {
    return Map.of("rgal", "on", "rgal.synthesisTerm", "on");
  }
}
