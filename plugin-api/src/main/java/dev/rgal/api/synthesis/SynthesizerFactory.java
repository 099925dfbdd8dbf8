package dev.rgal.api.synthesis;

import dev.rgal.api.ComponentRequest;

/** Builds a synthesizer for a run; bound by name with {@link dev.rgal.api.Bindings}. */
@FunctionalInterface
public interface SynthesizerFactory {
  Synthesizer create(ComponentRequest request);
}
