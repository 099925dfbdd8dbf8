package dev.rgal.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The MLflow REST API, read directly: the tests' independent oracle. */
final class Rest {
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  Rest(String base) {
    this.base = base;
  }

  JsonObject get(String pathAndQuery) throws Exception {
    return JsonParser.parseString(new String(bytes(pathAndQuery), StandardCharsets.UTF_8))
        .getAsJsonObject();
  }

  byte[] bytes(String pathAndQuery) throws Exception {
    HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + pathAndQuery))
        .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, r.statusCode(), pathAndQuery + " -> " + new String(r.body()));
    return r.body();
  }

  JsonObject run(String runId) throws Exception {
    return get("/api/2.0/mlflow/runs/get?run_id=" + runId).getAsJsonObject("run");
  }

  static Map<String, String> keyValues(JsonObject run, String kind) {
    Map<String, String> out = new LinkedHashMap<>();
    JsonElement list = run.getAsJsonObject("data").get(kind);
    if (list != null) {
      for (JsonElement e : list.getAsJsonArray()) {
        out.put(e.getAsJsonObject().get("key").getAsString(),
            e.getAsJsonObject().get("value").getAsString());
      }
    }
    return out;
  }

  /** Metric history as step -> value, in server order. */
  List<double[]> history(String runId, String key) throws Exception {
    JsonObject o = get("/api/2.0/mlflow/metrics/get-history?run_id=" + runId + "&metric_key="
        + enc(key) + "&max_results=25000");
    List<double[]> out = new ArrayList<>();
    JsonArray ms = o.has("metrics") ? o.getAsJsonArray("metrics") : new JsonArray();
    for (JsonElement e : ms) {
      JsonObject m = e.getAsJsonObject();
      out.add(new double[] {m.get("step").getAsLong(), m.get("value").getAsDouble(),
          m.get("timestamp").getAsLong()});
    }
    out.sort((a, b) -> Double.compare(a[0], b[0]));
    return out;
  }

  /** Artifact paths (files and folders) directly under {@code path}. */
  List<String> listArtifacts(String runId, String path) throws Exception {
    JsonObject o = get("/api/2.0/mlflow/artifacts/list?run_id=" + runId
        + (path.isEmpty() ? "" : "&path=" + enc(path)));
    List<String> out = new ArrayList<>();
    if (o.has("files")) {
      for (JsonElement e : o.getAsJsonArray("files")) {
        JsonObject f = e.getAsJsonObject();
        out.add(f.get("path").getAsString() + (f.has("is_dir") && f.get("is_dir").getAsBoolean()
            ? "/" : ""));
      }
    }
    return out;
  }

  /** All artifact files of a run, recursively. */
  List<String> allArtifactFiles(String runId) throws Exception {
    List<String> out = new ArrayList<>();
    List<String> todo = new ArrayList<>(List.of(""));
    while (!todo.isEmpty()) {
      for (String p : listArtifacts(runId, todo.remove(0))) {
        if (p.endsWith("/")) {
          todo.add(p.substring(0, p.length() - 1));
        } else {
          out.add(p);
        }
      }
    }
    return out;
  }

  /** Downloads an artifact through the server's artifact proxy. */
  byte[] download(JsonObject run, String path) throws Exception {
    String uri = run.getAsJsonObject("info").get("artifact_uri").getAsString();
    String prefix = "mlflow-artifacts:";
    if (!uri.startsWith(prefix)) {
      throw new AssertionError("test server should proxy artifacts, got " + uri);
    }
    String rest = uri.substring(prefix.length()).replaceFirst("^//[^/]*", "");
    return bytes("/api/2.0/mlflow-artifacts/artifacts" + rest + "/" + path);
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
