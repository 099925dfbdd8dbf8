package dev.rgal.api;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The settings of one component (a synthesizer, a term, a trainer) as a spec holds them: option
 * name to value, as written in a preset or with {@code --set}. They are checked against the
 * component's declared {@link dev.rgal.api.options.Options} when the spec is resolved; components
 * read the typed {@link dev.rgal.api.options.OptionValues}, never these strings. Keys are sorted
 * so provenance and tracking params are stable.
 */
@API(status = STABLE, since = "0.1")
public record Settings(Map<String, String> values) {
  public Settings {
    values = Collections.unmodifiableMap(new TreeMap<>(values));
  }

  public static Settings empty() {
    return new Settings(Map.of());
  }

  public static Settings of(Map<String, ?> values) {
    TreeMap<String, String> m = new TreeMap<>();
    values.forEach((k, v) -> m.put(k, String.valueOf(v)));
    return new Settings(m);
  }

  /** A copy with {@code key} set to {@code value}. */
  public Settings with(String key, Object value) {
    TreeMap<String, String> m = new TreeMap<>(values);
    m.put(key, String.valueOf(value));
    return new Settings(m);
  }

  public boolean has(String key) {
    return values.containsKey(key);
  }
}
