package dev.rgal.rgal;

import ai.djl.ndarray.NDArray;
import dev.rgal.api.ComponentRequest;
import dev.rgal.api.DfkdException;
import dev.rgal.api.Settings;
import dev.rgal.api.model.Features;
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
 * <p>Settings: {@code startLayer} (2), {@code endLayer} (4; clipped to the stage count),
 * {@code direction} ({@code released}: what the released code minimises; {@code paper}: the
 * swapped roles the paper describes), {@code precision} ({@code reproduce}: the released float32
 * sampler with its underflow fallback; {@code well-defined}), {@code target} ({@code student} or
 * {@code teacher} stages).
 */
final class RelationSynthesisTerm implements SynthesisTerm {
  private final int start;
  private final int end;
  private final boolean onStudent;
  private final RelationLoss loss;

  RelationSynthesisTerm(ComponentRequest r) {
    Settings s = r.settings();
    start = s.getInt("startLayer", 2);
    end = s.getInt("endLayer", 4);
    String target = s.getString("target", "student");
    if (!target.equals("student") && !target.equals("teacher")) {
      throw new DfkdException("rgal-relation target must be student or teacher, got '" + target + "'");
    }
    onStudent = target.equals("student");
    int stages = onStudent ? r.student().stageChannels().size() : r.teacher().stageChannels().size();
    if (start < 0 || start >= Math.min(end, stages)) {
      throw new DfkdException("rgal-relation layers [" + start + ":" + end + ") select no stage of the "
          + target + " (it has " + stages + "): set synthesisTerms.rgal-relation.settings.startLayer below " + stages);
    }
    loss = RelationLoss.builder()
        .sampler(NegativeSampler.focal(RgalSettings.precision(s)))
        .direction(RgalSettings.direction(s))
        .draws(NegativeDraws.categorical(r.spec().seed() * 31 + 17))
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
}
