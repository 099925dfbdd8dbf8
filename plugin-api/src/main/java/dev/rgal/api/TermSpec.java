package dev.rgal.api;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * A weighted loss term of a synthesizer or a student trainer. A weight of 0 keeps the term in the
 * spec (and in provenance) but the engine does not build it.
 */
@API(status = STABLE, since = "0.1")
public record TermSpec(String name, double weight, Settings settings) {
  public static TermSpec of(String name, double weight) {
    return new TermSpec(name, weight, Settings.empty());
  }

  public TermSpec withWeight(double newWeight) {
    return new TermSpec(name, newWeight, settings);
  }
}
