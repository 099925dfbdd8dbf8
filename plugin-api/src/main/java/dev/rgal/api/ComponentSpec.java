package dev.rgal.api;

/** A named component with its settings, e.g. synthesizer {@code fast} with {@code gSteps=5}. */
public record ComponentSpec(String name, Settings settings) {
  public static ComponentSpec of(String name) {
    return new ComponentSpec(name, Settings.empty());
  }

  public ComponentSpec with(String key, Object value) {
    return new ComponentSpec(name, settings.with(key, value));
  }
}
