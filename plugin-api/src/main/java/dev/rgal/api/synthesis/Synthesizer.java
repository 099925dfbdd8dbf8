package dev.rgal.api.synthesis;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import dev.rgal.api.Stateful;

/**
 * Produces one batch of synthetic images per call from the teacher alone. It owns what it
 * optimises (pixels, a generator, a meta-generator) and sums the weighted {@link SynthesisTerm}s it
 * is given in every inner iteration. When any term {@link SynthesisTerm#needsStudent() needs the
 * student}, it runs the student forward in every inner iteration.
 */
@API(status = STABLE, since = "0.1")
public interface Synthesizer extends Stateful, AutoCloseable {
  SyntheticBatch synthesize(SynthesisContext context);

  @Override
  default void close() {}
}
