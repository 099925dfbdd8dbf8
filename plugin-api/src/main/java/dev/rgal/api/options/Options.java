package dev.rgal.api.options;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The options one component declares, in declaration order (the order {@code rgal plugins
 * --options} prints). Names are unique.
 */
@API(status = STABLE, since = "0.1")
public final class Options {
  private static final Options NONE = new Options(List.of());
  private final Map<String, Option<?>> byName;

  private Options(List<Option<?>> options) {
    Map<String, Option<?>> m = new LinkedHashMap<>();
    for (Option<?> o : options) {
      if (m.put(o.name(), o) != null) {
        throw new IllegalArgumentException("option '" + o.name() + "' declared twice");
      }
    }
    byName = Collections.unmodifiableMap(m);
  }

  /** A component without options: any setting given to it is an error. */
  public static Options none() {
    return NONE;
  }

  public static Options of(Option<?>... options) {
    return new Options(List.of(options));
  }

  public static Options of(List<Option<?>> options) {
    return new Options(options);
  }

  /** These options followed by {@code more} (e.g. a trainer that extends another's options). */
  public Options plus(Option<?>... more) {
    List<Option<?>> all = new ArrayList<>(byName.values());
    all.addAll(List.of(more));
    return new Options(all);
  }

  public List<Option<?>> all() {
    return List.copyOf(byName.values());
  }

  public List<String> names() {
    return List.copyOf(byName.keySet());
  }

  public @Nullable Option<?> find(String name) {
    return byName.get(name);
  }

  public boolean isEmpty() {
    return byName.isEmpty();
  }

  @Override
  public String toString() {
    return "Options" + names();
  }
}
