package dev.rgal.engine.spec;

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
 * <p>Keys are dotted paths: {@code schedule.epochs}, {@code optimizer.lr},
 * {@code synthesizer.settings.gSteps}, and for term lists the term's name instead of an index:
 * {@code synthesisTerms.adv.weight}, {@code studentTerms.rgal-relation.settings.margin}. Setting
 * the weight of a term that is not in the list adds it.
 */
public final class RunSpecJson {
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();
  private static final Set<String> TOP = Set.of("method", "studentArch", "seed", "schedule", "optimizer",
      "temperature", "kdAugmentation", "synthesizer", "synthesisTerms", "trainer", "studentTerms",
      "description");

  private RunSpecJson() {}

  public static String toJsonString(RunSpec spec) {
    return GSON.toJson(toJson(spec));
  }

  public static JsonObject toJson(RunSpec s) {
    JsonObject o = new JsonObject();
    o.addProperty("method", s.method());
    o.addProperty("studentArch", s.studentArch());
    o.addProperty("seed", s.seed());
    o.add("schedule", GSON.toJsonTree(s.schedule()));
    o.add("optimizer", GSON.toJsonTree(s.optimizer()));
    o.addProperty("temperature", s.temperature());
    o.add("kdAugmentation", GSON.toJsonTree(s.kdAugmentation()));
    o.add("synthesizer", component(s.synthesizer()));
    o.add("synthesisTerms", terms(s.synthesisTerms()));
    o.add("trainer", component(s.trainer()));
    o.add("studentTerms", terms(s.studentTerms()));
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
    for (String k : o.keySet()) {
      if (!TOP.contains(k)) {
        throw new DfkdException("unknown field '" + k + "' in " + origin + "; known fields: " + String.join(", ", new java.util.TreeSet<>(TOP)));
      }
    }
    JsonObject merged = toJson(RunSpec.builder().build());
    for (Map.Entry<String, JsonElement> e : o.entrySet()) {
      JsonElement base = merged.get(e.getKey());
      if (base != null && base.isJsonObject() && e.getValue().isJsonObject()
          && !e.getKey().equals("synthesizer") && !e.getKey().equals("trainer")) {
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
          .optimizer(GSON.fromJson(merged.get("optimizer"), RunSpec.StudentOptimizer.class))
          .temperature(merged.get("temperature").getAsDouble())
          .kdAugmentation(GSON.fromJson(merged.get("kdAugmentation"), RunSpec.Augmentation.class))
          .synthesizer(readComponent(merged.get("synthesizer")))
          .synthesisTerms(readTerms(merged.get("synthesisTerms")))
          .trainer(readComponent(merged.get("trainer")))
          .studentTerms(readTerms(merged.get("studentTerms")))
          .build();
    } catch (RuntimeException e) {
      if (e instanceof DfkdException) {
        throw e;
      }
      throw new DfkdException("cannot read " + origin + " (" + e.getMessage() + "): check its field types");
    }
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
    return fromJson(o, "the overridden spec");
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
          throw new DfkdException("unknown setting '" + key + "'; valid here: " + String.join(", ", cur.keySet()));
        }
        cur.add(p, primitive(value));
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
          throw new DfkdException("unknown setting '" + key + "'; valid here: " + String.join(", ", cur.keySet()));
        }
      }
      cur = next.getAsJsonObject();
    }
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
