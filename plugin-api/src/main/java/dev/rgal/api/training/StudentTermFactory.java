package dev.rgal.api.training;

import dev.rgal.api.ComponentRequest;

/** Builds a student term for a run; bound by name with {@link dev.rgal.api.Bindings}. */
@FunctionalInterface
public interface StudentTermFactory {
  StudentTerm create(ComponentRequest request);
}
