package dev.rgal.toolkit.spec;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.rgal.api.ComponentSpec;
import dev.rgal.api.DfkdException;
import dev.rgal.api.RunSpec;
import dev.rgal.api.Settings;
import dev.rgal.api.TermSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Converts {@link RunSpec}s to and from JSON, applies {@code key=value} overrides and flattens a
 * spec into tracking params.
 *
 * <p>Keys are dotted paths: {@code schedule.epochs}, {@code trainer.settings.lr},
 * {@code synthesizer.settings.gSteps}, and for term lists the term's name instead of an index:
 * {@code synthesisTerms.adv.weight}, {@code studentTerms.rgal-relation.settings.precision}. Setting
 * the weight of a term that is not in the list adds it; giving options to a term that does not run
 * (absent, or weight 0) is an error. Typed fields ({@code schedule.*}, {@code seed}, …) take only
 * values of their type. Whether a component's settings are options it declares is checked later,
 * against the plugins ({@code SpecValidator}).
 */
@API(status = STABLE, since = "0.1")
public final class RunSpecJson {
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();
  private static final Set<String> TOP = Set.of("method", "studentArch", "seed", "schedule",
      "kdAugmentation", "synthesizer", "synthesisTerms", "trainer", "studentTerms", "task", "description");
  // components: a preset's object replaces the default one whole (its settings are its own)
  private static final Set<String> WHOLE = Set.of("synthesizer", "trainer", "task");
  /** Fields of earlier spec versions and where they live now, so an old key gets a pointer. */
  private static final Map<String, String> MOVED = Map.of(
      "optimizer", "trainer.settings (lr, momentum, weightDecay, lrSchedule, lrMin)",
      "optimizer.lr", "trainer.settings.lr",
      "optimizer.momentum", "trainer.settings.momentum",
      "optimizer.weightDecay", "trainer.settings.weightDecay",
      "optimizer.schedule", "trainer.settings.lrSchedule",
      "optimizer.lrMin", "trainer.settings.lrMin",
      "temperature", "trainer.settings.temperature",
      "schedule.kdBatchSize", "trainer.settings.batchSize");

  private RunSpecJson() {}

  public static String toJsonString(RunSpec spec) {
    return GSON.toJson(toJson(spec));
  }

  /**
   * The run's identity: the JSON of {@link #toJson} without the members a later spec format added
   * while they hold the value every earlier spec implied. Today that is {@code task} when it is the
   * default {@value RunSpec#DEFAULT_TASK} without settings (specs before plugin SPI 4 had no task),
   * so a grid cell tracked before a format addition is still recognised as the same cell.
   */
  public static String identity(RunSpec spec) {
    JsonObject o = toJson(spec);
    if (spec.task().name().equals(RunSpec.DEFAULT_TASK) && spec.task().settings().values().isEmpty()) {
      o.remove("task");
    }
    return GSON.toJson(o);
  }

  public static JsonObject toJson(RunSpec s) {
    JsonObject o = new JsonObject();
    o.addProperty("method", s.method());
    o.addProperty("studentArch", s.studentArch());
    o.addProperty("seed", s.seed());
    o.add("schedule", GSON.toJsonTree(s.schedule()));
    o.add("kdAugmentation", GSON.toJsonTree(s.kdAugmentation()));
    o.add("synthesizer", component(s.synthesizer()));
    o.add("synthesisTerms", terms(s.synthesisTerms()));
    o.add("trainer", component(s.trainer()));
    o.add("studentTerms", terms(s.studentTerms()));
    o.add("task", component(s.task()));
    return o;
  }

  private static JsonObject component(ComponentSpec c) {
    JsonObject o = new JsonObject();
    o.addProperty("name", c.name());
    o.add("settings", settings(c.settings()));
    return o;
  }

  private static JsonArray terms(List<TermSpec> terms) {
    JsonArray a = new JsonArray();
    for (TermSpec t : terms) {
      JsonObject o = new JsonObject();
      o.addProperty("name", t.name());
      o.addProperty("weight", t.weight());
      o.add("settings", settings(t.settings()));
      a.add(o);
    }
    return a;
  }

  private static JsonObject settings(Settings s) {
    JsonObject o = new JsonObject();
    s.values().forEach(o::addProperty);
    return o;
  }

  /** Parses a preset's JSON; {@code origin} names the preset in error messages. */
  public static RunSpec parse(String json, String origin) {
    try {
      JsonElement e = JsonParser.parseString(json);
      if (!e.isJsonObject()) {
        throw new DfkdException(origin + " is not a JSON object: fix the preset file");
      }
      return fromJson(e.getAsJsonObject(), origin);
    } catch (JsonParseException e) {
      throw new DfkdException(origin + " is not valid JSON (" + e.getMessage() + "): fix the preset file");
    }
  }

  /** Builds a spec from JSON; fields that are absent keep the {@link RunSpec#builder()} defaults. */
  public static RunSpec fromJson(JsonObject o, String origin) {
    JsonObject merged = toJson(RunSpec.builder().build());
    for (String k : o.keySet()) {
      if (!TOP.contains(k)) {
        throw unknown(k, origin, TOP);
      }
      JsonElement base = merged.get(k);
      if (base != null && base.isJsonObject() && o.get(k).isJsonObject() && !WHOLE.contains(k)) {
        for (String f : o.getAsJsonObject(k).keySet()) {
          if (!base.getAsJsonObject().has(f)) {
            throw unknown(k + "." + f, origin, base.getAsJsonObject().keySet());
          }
        }
      }
    }
    for (Map.Entry<String, JsonElement> e : o.entrySet()) {
      JsonElement base = merged.get(e.getKey());
      if (base != null && base.isJsonObject() && e.getValue().isJsonObject()
          && !WHOLE.contains(e.getKey())) {
        e.getValue().getAsJsonObject().entrySet().forEach(f -> base.getAsJsonObject().add(f.getKey(), f.getValue()));
      } else {
        merged.add(e.getKey(), e.getValue());
      }
    }
    try {
      return RunSpec.builder()
          .method(str(merged, "method"))
          .studentArch(str(merged, "studentArch"))
          .seed(merged.get("seed").getAsLong())
          .schedule(GSON.fromJson(merged.get("schedule"), RunSpec.Schedule.class))
          .kdAugmentation(GSON.fromJson(merged.get("kdAugmentation"), RunSpec.Augmentation.class))
          .synthesizer(readComponent(merged.get("synthesizer")))
          .synthesisTerms(readTerms(merged.get("synthesisTerms")))
          .trainer(readComponent(merged.get("trainer")))
          .studentTerms(readTerms(merged.get("studentTerms")))
          .task(readComponent(merged.get("task")))
          .build();
    } catch (RuntimeException e) {
      // Gson wraps what a record's constructor throws (a range check)
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof DfkdException d) {
          throw d;
        }
      }
      throw new DfkdException("cannot read " + origin + " (" + e.getMessage() + "): check its field types");
    }
  }

  private static DfkdException unknown(String key, String where, Set<String> valid) {
    String moved = MOVED.get(key);
    if (moved != null) {
      return new DfkdException("'" + key + "' in " + where + " has moved to " + moved + ": set it there");
    }
    String last = key.substring(key.lastIndexOf('.') + 1);
    return new DfkdException("unknown field '" + key + "' in " + where + Suggestions.didYouMean(last, valid)
        + "; valid here: " + String.join(", ", new java.util.TreeSet<>(valid)));
  }

  private static String str(JsonObject o, String k) {
    JsonElement e = o.get(k);
    return e == null || e.isJsonNull() ? "" : e.getAsString();
  }

  private static ComponentSpec readComponent(JsonElement e) {
    if (e.isJsonPrimitive()) {
      return ComponentSpec.of(e.getAsString());
    }
    JsonObject o = e.getAsJsonObject();
    return new ComponentSpec(str(o, "name"), readSettings(o.get("settings")));
  }

  private static List<TermSpec> readTerms(JsonElement e) {
    List<TermSpec> out = new ArrayList<>();
    for (JsonElement t : e.getAsJsonArray()) {
      JsonObject o = t.getAsJsonObject();
      out.add(new TermSpec(str(o, "name"), o.get("weight").getAsDouble(), readSettings(o.get("settings"))));
    }
    return out;
  }

  private static Settings readSettings(JsonElement e) {
    Map<String, String> m = new LinkedHashMap<>();
    if (e != null && e.isJsonObject()) {
      e.getAsJsonObject().entrySet().forEach(f -> m.put(f.getKey(), f.getValue().getAsString()));
    }
    return new Settings(m);
  }

  /**
   * Applies {@code key=value} overrides (see the class comment) and returns the new spec. An
   * unknown key fails with a message listing the valid keys of that level.
   */
  public static RunSpec override(RunSpec spec, Map<String, String> overrides) {
    if (overrides.isEmpty()) {
      return spec;
    }
    JsonObject o = toJson(spec);
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      set(o, e.getKey(), e.getValue());
    }
    RunSpec out = fromJson(o, "the overridden spec");
    for (String key : overrides.keySet()) {
      String[] p = key.split("\\.");
      if (p.length >= 4 && (p[0].equals("synthesisTerms") || p[0].equals("studentTerms")) && p[2].equals("settings")) {
        List<TermSpec> list = p[0].equals("synthesisTerms") ? out.synthesisTerms() : out.studentTerms();
        // a weight-0 term does not run; its options are accepted only alongside its weight
        if (list.stream().noneMatch(t -> t.name().equals(p[1]) && t.weight() != 0)
            && !overrides.containsKey(p[0] + "." + p[1] + ".weight")) {
          throw new DfkdException("cannot set '" + key + "': term '" + p[1] + "' is not in this run's "
              + p[0] + " (" + running(list) + "); give it a weight with --set " + p[0] + "." + p[1]
              + ".weight=W, or drop the option");
        }
      }
    }
    return out;
  }

  private static String running(List<TermSpec> terms) {
    List<String> names = terms.stream().filter(t -> t.weight() != 0).map(TermSpec::name).toList();
    return names.isEmpty() ? "none runs" : "running: " + String.join(", ", names);
  }

  private static void set(JsonObject root, String key, String value) {
    String[] path = key.split("\\.");
    JsonObject cur = root;
    for (int i = 0; i < path.length; i++) {
      String p = path[i];
      boolean last = i == path.length - 1;
      JsonElement next = cur.get(p);
      if (last) {
        if (next != null && (next.isJsonObject() || next.isJsonArray())) {
          throw new DfkdException("cannot set '" + key + "': it is a group; set one of its fields, e.g. " + key + "." + firstKey(next));
        }
        if (next == null && !isSettings(path, i)) {
          throw unknownSetting(key, p, cur);
        }
        cur.add(p, next == null ? primitive(value) : typed(key, next.getAsJsonPrimitive(), value));
        return;
      }
      if (next != null && next.isJsonArray()) {
        // term list addressed by name
        String name = path[++i];
        JsonObject term = null;
        for (JsonElement t : next.getAsJsonArray()) {
          if (t.getAsJsonObject().get("name").getAsString().equals(name)) {
            term = t.getAsJsonObject();
          }
        }
        if (term == null) {
          term = new JsonObject();
          term.addProperty("name", name);
          term.addProperty("weight", 0.0);
          term.add("settings", new JsonObject());
          next.getAsJsonArray().add(term);
        }
        cur = term;
        if (i == path.length - 1) {
          throw new DfkdException("cannot set '" + key + "': name a field of the term, e.g. " + key + ".weight");
        }
        continue;
      }
      if (next == null || !next.isJsonObject()) {
        if (next == null && p.equals("settings")) {
          next = new JsonObject();
          cur.add(p, next);
        } else {
          throw unknownSetting(key, p, cur);
        }
      }
      cur = next.getAsJsonObject();
    }
  }

  private static DfkdException unknownSetting(String key, String part, JsonObject level) {
    String moved = MOVED.get(key);
    if (moved != null) {
      return new DfkdException("cannot set '" + key + "': it has moved to " + moved + "; use --set " + moved + "=…");
    }
    return new DfkdException("unknown setting '" + key + "'" + Suggestions.didYouMean(part, level.keySet())
        + "; valid here: " + String.join(", ", level.keySet()));
  }

  /**
   * The override as a value of the field's own type (a number stays a number): a typed field
   * takes only a value of its type, checked here with the key in the message. Component settings
   * are strings at this point and are checked against the component's declared options later.
   */
  private static JsonPrimitive typed(String key, JsonPrimitive current, String value) {
    String v = value.trim();
    if (current.isBoolean()) {
      if (!v.equals("true") && !v.equals("false")) {
        throw new DfkdException(key + " must be true or false, got '" + value + "'");
      }
      return new JsonPrimitive(Boolean.parseBoolean(v));
    }
    if (current.isNumber()) {
      String n = current.getAsString();
      boolean whole = !n.contains(".") && !n.contains("e") && !n.contains("E");
      try {
        return whole ? new JsonPrimitive(Long.parseLong(v)) : new JsonPrimitive(Double.parseDouble(v));
      } catch (NumberFormatException e) {
        throw new DfkdException(key + " must be " + (whole ? "a whole number" : "a number") + ", got '" + value + "'");
      }
    }
    return new JsonPrimitive(value);
  }

  private static boolean isSettings(String[] path, int i) {
    return i > 0 && path[i - 1].equals("settings");
  }

  private static String firstKey(JsonElement e) {
    return e.isJsonObject() && !e.getAsJsonObject().keySet().isEmpty()
        ? e.getAsJsonObject().keySet().iterator().next() : "name";
  }

  private static JsonPrimitive primitive(String v) {
    return new JsonPrimitive(v);
  }

  /**
   * The spec as flat {@code key → value} params, with the same keys {@link #override} takes (term
   * lists keyed by term name), for tracking and provenance.
   */
  public static Map<String, String> flatten(RunSpec spec) {
    Map<String, String> out = new LinkedHashMap<>();
    flatten("", toJson(spec), out);
    return out;
  }

  private static void flatten(String prefix, JsonElement e, Map<String, String> out) {
    if (e.isJsonObject()) {
      for (Map.Entry<String, JsonElement> f : e.getAsJsonObject().entrySet()) {
        flatten(prefix.isEmpty() ? f.getKey() : prefix + "." + f.getKey(), f.getValue(), out);
      }
    } else if (e.isJsonArray()) {
      for (JsonElement t : e.getAsJsonArray()) {
        JsonObject o = t.getAsJsonObject();
        String name = o.get("name").getAsString();
        for (Map.Entry<String, JsonElement> f : o.entrySet()) {
          if (!f.getKey().equals("name")) {
            flatten(prefix + "." + name + "." + f.getKey(), f.getValue(), out);
          }
        }
      }
    } else if (!e.isJsonNull()) {
      out.put(prefix, e.getAsString());
    }
  }
}
