package dev.rgal.incremental;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.rgal.api.DataSpec;
import dev.rgal.api.WeightedTerm;
import dev.rgal.api.model.FeatureNet;
import dev.rgal.api.model.Features;
import dev.rgal.api.synthesis.SynthesisContext;
import dev.rgal.api.synthesis.SynthesisStep;
import dev.rgal.api.synthesis.SynthesisTerm;
import dev.rgal.api.training.StudentStep;
import dev.rgal.api.training.StudentTerm;
import dev.rgal.toolkit.graph.GraphScalars;
import java.util.List;
import java.util.Random;

/**
 * RGAL's terms as spec §7.5 places them in an inversion method ({@code abd+rgal}, {@code rdfcil+rgal}):
 * {@code synthesis} terms join the generator's loss at each boundary, with M_{t−1} as the teacher
 * restricted to its old logits; {@code replay} terms join the training loss on the synthetic half
 * of each batch, with the current model as the student and M_{t−1} as the teacher, both restricted
 * to the old logits (labels = M_{t−1}'s argmax, i.e. ỹ). Without paired views the relation loss
 * pairs samples of the same label within the batch (with 128 synthetic images over at most 9 old
 * classes, such pairs occur in every batch). Built by whoever resolves the method name (the CLI,
 * from the plugin registry), so this module names no plugin.
 */
@API(status = EXPERIMENTAL, since = "0.2")
public record RelationTerms(List<WeightedTerm<SynthesisTerm>> synthesis, List<WeightedTerm<StudentTerm>> replay) {
  public RelationTerms {
    synthesis = List.copyOf(synthesis);
    replay = List.copyOf(replay);
  }

  /** No terms: the plain method. */
  public static RelationTerms none() {
    return new RelationTerms(List.of(), List.of());
  }

  public boolean isEmpty() {
    return synthesis.isEmpty() && replay.isEmpty();
  }

  /** Features with the logits cut to the K_o old classes. */
  static Features oldClasses(Features f, int oldClasses) {
    return new Features(Heads.slice(f.logits(), 0, oldClasses), f.pooled(), f.stages(), f.bnStatistics());
  }

  /** Rows [from, end) of every array of the features (e.g. the synthetic half of [real; synthetic]). */
  static Features rows(Features f, long from) {
    return new Features(f.logits().get("{}:", from), f.pooled().get("{}:", from),
        f.stages().stream().map(s -> s.get("{}:", from)).toList(), List.of());
  }

  /** Σ w·term over the synthesis terms for one generator step, or null without terms. */
  NDArray synthesisLoss(FeatureNet previous, FeatureNet model, DataSpec data, NDArray raw, NDArray x, Features teacherOld,
      int task, int iteration, NDManager m, Random random) {
    if (synthesis.isEmpty()) {
      return null;
    }
    SynthesisContext context = new SynthesisContext(previous, model, synthesis, data, (int) x.getShape().get(0), task, false, m, random);
    SynthesisStep step = new SynthesisStep(context, raw, x, teacherOld.logits().argMax(1), teacherOld, null, task, iteration, false);
    NDArray total = null;
    for (WeightedTerm<SynthesisTerm> t : synthesis) {
      NDArray v = GraphScalars.mul(t.term().loss(step), t.weight());
      total = total == null ? v : total.add(v);
    }
    return total;
  }

  /** Σ w·term over the replay terms on the synthetic images, or null without terms. */
  NDArray replayLoss(NDArray images, Features teacherOld, Features studentOld) {
    if (replay.isEmpty()) {
      return null;
    }
    StudentStep step = new StudentStep(images, teacherOld, studentOld, false, 0, 0);
    NDArray total = null;
    for (WeightedTerm<StudentTerm> t : replay) {
      NDArray v = GraphScalars.mul(t.term().loss(step), t.weight());
      total = total == null ? v : total.add(v);
    }
    return total;
  }
}
