package dev.rgal.api;

/**
 * Something that can be added to any method with {@code +name}, e.g. {@code fast+rgal}: it rewrites
 * the base method's spec (adds terms, swaps the trainer). Extensions must leave the base spec's
 * own components untouched apart from what they document, so {@code X+ext} differs from {@code X}
 * only by the extension.
 */
@FunctionalInterface
public interface MethodExtension {
  RunSpec extend(RunSpec base);
}
