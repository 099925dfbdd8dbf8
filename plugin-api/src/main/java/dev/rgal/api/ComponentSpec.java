package dev.rgal.api;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/** A named component with its settings, e.g. synthesizer {@code fast} with {@code gSteps=5}. */
@API(status = STABLE, since = "0.1")
public record ComponentSpec(String name, Settings settings) {
  public static ComponentSpec of(String name) {
    return new ComponentSpec(name, Settings.empty());
  }

  public ComponentSpec with(String key, Object value) {
    return new ComponentSpec(name, settings.with(key, value));
  }
}
