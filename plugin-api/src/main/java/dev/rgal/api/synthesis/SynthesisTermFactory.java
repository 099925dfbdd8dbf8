package dev.rgal.api.synthesis;

import dev.rgal.api.ComponentRequest;

/** Builds a synthesis term for a run; bound by name with {@link dev.rgal.api.Bindings}. */
@FunctionalInterface
public interface SynthesisTermFactory {
  SynthesisTerm create(ComponentRequest request);
}
