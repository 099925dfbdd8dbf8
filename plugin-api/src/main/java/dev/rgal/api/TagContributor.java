package dev.rgal.api;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Map;
import org.apiguardian.api.API;

/**
 * A run component (synthesizer, synthesis or student term, trainer) that says something about the
 * run it is part of, as tracking tags: e.g. RGAL's relation terms tag the run {@code rgal=on}. The
 * kernel names no method; it only collects these tags from the components that were built for a
 * run (a term of weight 0 is not built, so it contributes nothing) and writes them with the run's
 * other tags. Two components contributing the same key with different values is an error.
 */
@API(status = STABLE, since = "0.1")
@FunctionalInterface
public interface TagContributor {
  /** Tags for the tracked run; keys are plain MLflow tag names. */
  Map<String, String> runTags();
}
