package dev.rgal.api;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Immutable string settings of one component (a synthesizer, a term, a trainer), as they appear in
 * a preset and on the command line. Typed getters parse on read and fail with a one-line message
 * naming the key. Keys are sorted so provenance and tracking params are stable.
 */
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

  public String getString(String key, String fallback) {
    return values.getOrDefault(key, fallback);
  }

  public double getDouble(String key, double fallback) {
    String v = values.get(key);
    if (v == null) {
      return fallback;
    }
    try {
      return Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new DfkdException("setting '" + key + "' must be a number, got '" + v + "'");
    }
  }

  public int getInt(String key, int fallback) {
    String v = values.get(key);
    if (v == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new DfkdException("setting '" + key + "' must be a whole number, got '" + v + "'");
    }
  }

  public boolean getBoolean(String key, boolean fallback) {
    String v = values.get(key);
    if (v == null) {
      return fallback;
    }
    return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0" -> false;
      default -> throw new DfkdException("setting '" + key + "' must be true or false, got '" + v + "'");
    };
  }
}
