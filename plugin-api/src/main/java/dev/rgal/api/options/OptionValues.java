package dev.rgal.api.options;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import dev.rgal.api.DfkdException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The validated, typed option values of one component in one run: every declared option with a
 * default has a value; an {@link Option#optional() optional} one only when the spec set it. The
 * engine builds these after checking every key and value; a component reads them with
 * {@link #get}.
 */
@API(status = STABLE, since = "0.1")
public final class OptionValues {
  private final Options declared;
  private final Map<String, Object> values;

  private OptionValues(Options declared, Map<String, Object> values) {
    this.declared = declared;
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /**
   * Parses {@code settings} against {@code declared}. Unknown keys are the caller's to reject
   * first (the engine does, with a suggestion); here they fail plainly.
   *
   * @param component names the component in errors, e.g. {@code synthesizer 'fast'}
   * @param path where the settings sit in a spec, e.g. {@code synthesizer.settings} (for the fix in
   *     a message), or empty
   */
  public static OptionValues parse(Options declared, String component, String path, Map<String, String> settings) {
    Map<String, Object> v = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : settings.entrySet()) {
      Option<?> o = declared.find(e.getKey());
      if (o == null) {
        throw new DfkdException(component + " has no option '" + e.getKey() + "'; valid: " + String.join(", ", declared.names()));
      }
      v.put(o.name(), o.parse(component, path, e.getValue()));
    }
    Map<String, Object> ordered = new LinkedHashMap<>();
    for (Option<?> o : declared.all()) {
      Object x = v.containsKey(o.name()) ? v.get(o.name()) : o.defaultValue();
      if (x != null) {
        ordered.put(o.name(), x);
      }
    }
    return new OptionValues(declared, ordered);
  }

  /** Every option at its default (for components built outside a spec, e.g. in tests). */
  public static OptionValues defaults(Options declared) {
    return parse(declared, "component", "", Map.of());
  }

  /**
   * The value of {@code option}.
   *
   * @throws IllegalArgumentException if the component did not declare it (a programming error)
   * @throws IllegalStateException if it is optional and unset: check {@link #isSet} first
   */
  public <T> T get(Option<T> option) {
    if (declared.find(option.name()) == null) {
      throw new IllegalArgumentException("option '" + option.name() + "' is not declared; declared: " + declared.names());
    }
    Object v = values.get(option.name());
    if (v == null) {
      throw new IllegalStateException("optional option '" + option.name() + "' is unset: check isSet first");
    }
    return option.type().cast(v);
  }

  public boolean isSet(Option<?> option) {
    return values.containsKey(option.name());
  }

  /** A copy with {@code option} set to {@code value} (checked like a spec value). */
  public <T> OptionValues with(Option<T> option, T value) {
    Map<String, String> raw = new LinkedHashMap<>(asSettings());
    raw.put(option.name(), option.format(value));
    return parse(declared, "component", "", raw);
  }

  /** The values in canonical text, in declaration order: what a resolved spec records. */
  public Map<String, String> asSettings() {
    Map<String, String> out = new LinkedHashMap<>();
    values.forEach((k, v) -> out.put(k, declared.find(k).format(v)));
    return out;
  }

  public Options declared() {
    return declared;
  }

  @Override
  public String toString() {
    return asSettings().toString();
  }
}
