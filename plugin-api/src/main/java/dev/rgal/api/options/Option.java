package dev.rgal.api.options;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import dev.rgal.api.DfkdException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One declared option of a component: its name (the key under {@code settings} in a spec), type,
 * default, a one-line description and, where one applies, an allowed range or set of values.
 * Build one with the static factories and narrow it with {@link #atLeast}, {@link #between} or
 * {@link #optional()}:
 *
 * <pre>{@code
 * static final Option<Integer> G_STEPS = Option.integer("gSteps", 5, "generator steps per call").atLeast(1);
 * }</pre>
 *
 * @param name the settings key
 * @param type {@code Integer}, {@code Double}, {@code Boolean} or {@code String}
 * @param defaultValue the value when the spec does not set it; null for an option without default
 *     (the component then asks {@link OptionValues#isSet})
 * @param description one line for {@code rgal plugins --options}
 * @param min smallest allowed value of a number option, or null
 * @param max largest allowed value of a number option, or null
 * @param choices the allowed values of a string option; empty for free text
 */
@API(status = STABLE, since = "0.1")
public record Option<T>(
    String name, Class<T> type, @Nullable T defaultValue, String description,
    @Nullable Double min, @Nullable Double max, List<String> choices) {
  public Option {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    if (type != Integer.class && type != Double.class && type != Boolean.class && type != String.class) {
      throw new IllegalArgumentException("option " + name + ": unsupported type " + type.getSimpleName());
    }
    choices = List.copyOf(choices);
  }

  /** A whole-number option. */
  public static Option<Integer> integer(String name, int defaultValue, String description) {
    return new Option<>(name, Integer.class, defaultValue, description, null, null, List.of());
  }

  /** A real-number option. */
  public static Option<Double> real(String name, double defaultValue, String description) {
    return new Option<>(name, Double.class, defaultValue, description, null, null, List.of());
  }

  /** A true/false option. */
  public static Option<Boolean> flag(String name, boolean defaultValue, String description) {
    return new Option<>(name, Boolean.class, defaultValue, description, null, null, List.of());
  }

  /** A string option that must be one of {@code choices}; the default must be one of them. */
  public static Option<String> choice(String name, String defaultValue, String description, String... choices) {
    if (!List.of(choices).contains(defaultValue)) {
      throw new IllegalArgumentException("option " + name + ": default '" + defaultValue + "' is not a choice");
    }
    return new Option<>(name, String.class, defaultValue, description, null, null, List.of(choices));
  }

  /** A free-text option. */
  public static Option<String> text(String name, String defaultValue, String description) {
    return new Option<>(name, String.class, defaultValue, description, null, null, List.of());
  }

  /** This option with values below {@code lower} rejected (numbers only). */
  public Option<T> atLeast(double lower) {
    return new Option<>(name, type, defaultValue, description, lower, max, choices);
  }

  /** This option with values outside {@code [lower, upper]} rejected (numbers only). */
  public Option<T> between(double lower, double upper) {
    return new Option<>(name, type, defaultValue, description, lower, upper, choices);
  }

  /** This option without a default: unset unless the spec sets it. */
  public Option<T> optional() {
    return new Option<>(name, type, null, description, min, max, choices);
  }

  /** Words for the type, for messages and {@code rgal plugins --options}. */
  public String typeName() {
    if (type == Integer.class) {
      return "integer";
    } else if (type == Double.class) {
      return "number";
    } else if (type == Boolean.class) {
      return "boolean";
    }
    return choices.isEmpty() ? "string" : "one of " + String.join("|", choices);
  }

  /** The allowed range in words, e.g. {@code ≥ 1} or {@code 0 to 1}, or empty when any value goes. */
  public String rangeText() {
    if (min != null && max != null) {
      return number(min) + " to " + number(max);
    } else if (min != null) {
      return "≥ " + number(min);
    } else if (max != null) {
      return "≤ " + number(max);
    }
    return "";
  }

  /**
   * Parses and checks one value as written in a spec.
   *
   * @param component names the component in the error, e.g. {@code synthesizer 'fast'}
   * @param path where the component's settings sit in a spec, e.g. {@code synthesizer.settings},
   *     for the fix the message suggests; empty for none
   * @throws DfkdException naming the key, the value and what is allowed
   */
  public T parse(String component, String path, String raw) {
    String v = raw.trim();
    Object value;
    if (type == Integer.class) {
      try {
        value = Integer.parseInt(v.endsWith(".0") ? v.substring(0, v.length() - 2) : v);
      } catch (NumberFormatException e) {
        throw invalid(component, path, raw, "a whole number" + (rangeText().isEmpty() ? "" : " " + rangeText()));
      }
    } else if (type == Double.class) {
      try {
        value = Double.parseDouble(v);
      } catch (NumberFormatException e) {
        throw invalid(component, path, raw, "a number" + (rangeText().isEmpty() ? "" : " " + rangeText()));
      }
      if (!Double.isFinite((Double) value)) {
        throw invalid(component, path, raw, "a finite number");
      }
    } else if (type == Boolean.class) {
      value = switch (v.toLowerCase(Locale.ROOT)) {
        case "true" -> true;
        case "false" -> false;
        default -> throw invalid(component, path, raw, "true or false");
      };
    } else {
      if (!choices.isEmpty() && !choices.contains(v)) {
        throw invalid(component, path, raw, "one of " + String.join(", ", choices));
      }
      value = v;
    }
    if (value instanceof Number n) {
      double d = n.doubleValue();
      if ((min != null && d < min) || (max != null && d > max)) {
        throw invalid(component, path, raw, rangeText());
      }
    }
    return type.cast(value);
  }

  /** The canonical text of a value, as written back into a resolved spec. */
  public String format(Object value) {
    return value instanceof Double d ? number(d) : String.valueOf(value);
  }

  private DfkdException invalid(String component, String path, String raw, String allowed) {
    return new DfkdException(component + " option '" + name + "' must be " + allowed + ", got '" + raw + "'"
        + (path.isEmpty() ? "" : ": fix " + path + "." + name));
  }

  private static String number(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.valueOf(d);
  }
}
