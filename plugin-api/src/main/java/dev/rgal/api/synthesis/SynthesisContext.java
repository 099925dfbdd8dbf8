package dev.rgal.api.synthesis;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import ai.djl.ndarray.NDManager;
import dev.rgal.api.DataSpec;
import dev.rgal.api.WeightedTerm;
import dev.rgal.api.model.FeatureNet;
import java.util.List;
import java.util.Random;

/**
 * Everything one {@link Synthesizer#synthesize} call may use.
 *
 * @param teacher frozen teacher (run it in eval mode)
 * @param student the student being distilled (run it in eval mode during synthesis)
 * @param terms the weighted terms to sum in every inner iteration, already filtered to those
 *     active in this call
 * @param data image shape, classes and normalisation
 * @param batchSize images to produce
 * @param call 1-based synthesis call counter over the run
 * @param warmup whether this is a warm-up call
 * @param manager scope of this call; closed by the engine after the call
 * @param random this call's random source (seeded from the run seed)
 */
@API(status = STABLE, since = "0.1")
public record SynthesisContext(
    FeatureNet teacher, FeatureNet student, List<WeightedTerm<SynthesisTerm>> terms,
    DataSpec data, int batchSize, int call, boolean warmup, NDManager manager, Random random) {
  public SynthesisContext {
    terms = List.copyOf(terms);
  }

  /** True if any term needs the student's features. */
  public boolean needsStudent() {
    return terms.stream().anyMatch(t -> t.term().needsStudent());
  }
}
