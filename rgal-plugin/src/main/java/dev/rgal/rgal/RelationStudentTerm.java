package dev.rgal.rgal;

import dev.rgal.api.TagContributor;
import java.util.Map;
import ai.djl.ndarray.NDArray;
import dev.rgal.api.ComponentRequest;
import dev.rgal.api.options.Options;
import dev.rgal.api.training.StudentStep;
import dev.rgal.api.training.StudentTerm;
import java.util.List;

/**
 * RGAL's student-side relation loss ({@code spec/rgal-method.md} §5.6): the relation loss on the
 * student's pooled feature, negatives drawn by the distance sampler on the <em>student's</em>
 * logits, labels = teacher argmax, standard triplet. It asks for paired views so every image has
 * a same-label positive (its other view).
 *
 * <p>Options: {@link #OPTIONS}; its negative draws are seeded from the run seed.
 */
final class RelationStudentTerm implements StudentTerm, TagContributor {
  static final Options OPTIONS = Options.of(RgalSettings.PRECISION);

  private final RelationLoss loss;

  RelationStudentTerm(ComponentRequest r) {
    loss = RelationLoss.builder()
        .sampler(NegativeSampler.distance(RgalSettings.precision(r.options().get(RgalSettings.PRECISION))))
        .direction(TripletDirection.RELEASED)
        .draws(NegativeDraws.categorical(r.seed() * 31 + 29))
        .build();
  }

  @Override
  public NDArray loss(StudentStep step) {
    NDArray labels = step.teacher().logits().argMax(1);
    return loss.loss(List.of(step.student().pooled()), step.student().logits().stopGradient(), labels);
  }

  @Override
  public boolean needsPairedViews() {
    return true;
  }

  /** The run used RGAL's relation objective ({@code rgal=on}; which half in {@code rgal.studentTerm}). */
  @Override
  public Map<String, String> runTags() {
    return Map.of("rgal", "on", "rgal.studentTerm", "on");
  }
}
