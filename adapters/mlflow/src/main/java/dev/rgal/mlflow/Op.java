package dev.rgal.mlflow;

import com.google.gson.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/** One tracking call of a run, kept in order while the server cannot take it. */
sealed interface Op {
  /** The JSON line of the spool journal. Doubles travel as strings so NaN survives. */
  JsonObject toJson();

  /** A short description for warnings (keys only: values may be long). */
  String describe();

  record Params(Map<String, String> values) implements Op {
    public Params {
      values = new LinkedHashMap<>(values);
    }

    @Override
    public JsonObject toJson() {
      JsonObject o = new JsonObject();
      o.addProperty("t", "params");
      o.add("values", strings(values));
      return o;
    }

    @Override
    public String describe() {
      return "params " + values.keySet();
    }
  }

  record Metrics(long step, long timestamp, Map<String, Double> values) implements Op {
    public Metrics {
      values = new LinkedHashMap<>(values);
    }

    @Override
    public JsonObject toJson() {
      JsonObject o = new JsonObject();
      o.addProperty("t", "metrics");
      o.addProperty("step", step);
      o.addProperty("ts", timestamp);
      JsonObject v = new JsonObject();
      values.forEach((k, d) -> v.addProperty(k, Double.toString(d)));
      o.add("values", v);
      return o;
    }

    @Override
    public String describe() {
      return "metrics " + values.keySet() + " of step " + step;
    }
  }

  record Tags(Map<String, String> values) implements Op {
    public Tags {
      values = new LinkedHashMap<>(values);
    }

    @Override
    public JsonObject toJson() {
      JsonObject o = new JsonObject();
      o.addProperty("t", "tags");
      o.add("values", strings(values));
      return o;
    }

    @Override
    public String describe() {
      return "tags " + values.keySet();
    }
  }

  /**
   * An artifact upload.
   *
   * @param file absolute path of the file to send (a spool copy once spooled)
   * @param dir artifact directory, "" for the root
   * @param name file name inside the artifact directory
   */
  record Artifact(String file, String dir, String name) implements Op {
    @Override
    public JsonObject toJson() {
      JsonObject o = new JsonObject();
      o.addProperty("t", "artifact");
      o.addProperty("file", file);
      o.addProperty("dir", dir);
      o.addProperty("name", name);
      return o;
    }

    @Override
    public String describe() {
      return "artifact " + (dir.isEmpty() ? name : dir + "/" + name);
    }
  }

  /** Ends the run with a status name of {@link dev.rgal.api.tracking.RunStatus}. */
  record Terminate(String status, long endTime) implements Op {
    @Override
    public JsonObject toJson() {
      JsonObject o = new JsonObject();
      o.addProperty("t", "terminate");
      o.addProperty("status", status);
      o.addProperty("end", endTime);
      return o;
    }

    @Override
    public String describe() {
      return "end of run (" + status + ")";
    }
  }

  static Op fromJson(JsonObject o) {
    return switch (o.get("t").getAsString()) {
      case "params" -> new Params(stringMap(o.getAsJsonObject("values")));
      case "tags" -> new Tags(stringMap(o.getAsJsonObject("values")));
      case "metrics" -> {
        Map<String, Double> v = new LinkedHashMap<>();
        o.getAsJsonObject("values").entrySet()
            .forEach(e -> v.put(e.getKey(), Double.parseDouble(e.getValue().getAsString())));
        yield new Metrics(o.get("step").getAsLong(), o.get("ts").getAsLong(), v);
      }
      case "artifact" -> new Artifact(o.get("file").getAsString(), o.get("dir").getAsString(),
          o.get("name").getAsString());
      case "terminate" -> new Terminate(o.get("status").getAsString(), o.get("end").getAsLong());
      default -> throw new IllegalArgumentException("unknown spool entry " + o.get("t"));
    };
  }

  private static JsonObject strings(Map<String, String> m) {
    JsonObject v = new JsonObject();
    m.forEach(v::addProperty);
    return v;
  }

  private static Map<String, String> stringMap(JsonObject o) {
    Map<String, String> m = new LinkedHashMap<>();
    o.entrySet().forEach(e -> m.put(e.getKey(), e.getValue().getAsString()));
    return m;
  }
}
