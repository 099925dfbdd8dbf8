package dev.rgal.api;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * Something that can be added to any method with {@code +name}, e.g. {@code fast+rgal}: it rewrites
 * the base method's spec (adds terms, swaps the trainer). Extensions must leave the base spec's
 * own components untouched apart from what they document, so {@code X+ext} differs from {@code X}
 * only by the extension.
 */
@FunctionalInterface
@API(status = STABLE, since = "0.1")
public interface MethodExtension {
  RunSpec extend(RunSpec base);
}
