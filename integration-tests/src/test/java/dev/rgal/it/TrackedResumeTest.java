package dev.rgal.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rgal.api.tracking.RunRecord;
import dev.rgal.kernel.tracking.SqliteTracker;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tracked run killed with SIGKILL and resumed with {@code --resume DIR} alone continues the
 * same tracked run (same id, same name), and the epochs after the resume land in the same
 * metric history: in the embedded store and on the real MLflow server of the test command.
 */
class TrackedResumeTest {
  private static final int EPOCHS = 4;

  @TempDir Path tmp;

  @Test
  void resumeContinuesTheSameRunInTheEmbeddedStore() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("MLFLOW_TRACKING_URI", null);
    String experiment = "it-resume-local";
    Path db = tmp.resolve("mlflow.db");
    String runId = killThenResume(env, List.of("--experiment", experiment),
        run -> SqliteTracker.open(db).metricHistory(recordedRunId(run), "student_accuracy").size());
    assertTrue(Files.isDirectory(tmp.resolve("mlruns/1/" + runId + "/artifacts/samples")), "sample grids are artifacts");
    JsonObject rec = JsonParser.parseString(Files.readString(tmp.resolve("run/tracking.json"))).getAsJsonObject();
    assertEquals("sqlite:///" + tmp.resolve("mlflow.db").toRealPath(), rec.get("trackingUri").getAsString());

    SqliteTracker store = SqliteTracker.open(tmp.resolve("mlflow.db"));
    List<RunRecord> runs = store.searchRuns(experiment);
    assertEquals(1, runs.size(), "resuming made no second run: " + runs);
    RunRecord r = runs.get(0);
    assertEquals(runId, r.runId());
    assertEquals("fast seed 3", r.runName());
    assertEquals("FINISHED", r.status());
    Set<Long> steps = new TreeSet<>();
    store.metricHistory(runId, "student_accuracy").forEach(v -> steps.add((long) v[0]));
    assertEquals(Set.of(0L, 1L, 2L, 3L), steps);
  }

  @Test
  void resumeContinuesTheSameRunOnTheServer() throws Exception {
    String uri = System.getenv("MLFLOW_TRACKING_URI");
    assertNotNull(uri, "needs the MLflow server that ./scripts/test starts (MLFLOW_TRACKING_URI)");
    String experiment = "it-resume-server-" + System.nanoTime();
    Map<String, String> env = new HashMap<>();
    env.put("MLFLOW_TRACKING_URI", null); // only the option names the server; the resume finds it in tracking.json
    String runId = killThenResume(env, List.of("--tracking-uri", uri, "--experiment", experiment), run -> {
      try {
        JsonArray m = get(uri, "/api/2.0/mlflow/metrics/get-history?run_id=" + recordedRunId(run)
            + "&metric_key=student_accuracy").getAsJsonArray("metrics");
        return m == null ? 0 : m.size();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    JsonObject rec = JsonParser.parseString(Files.readString(tmp.resolve("run/tracking.json"))).getAsJsonObject();
    assertEquals(uri, rec.get("trackingUri").getAsString());

    JsonObject info = get(uri, "/api/2.0/mlflow/runs/get?run_id=" + runId).getAsJsonObject("run").getAsJsonObject("info");
    assertEquals("FINISHED", info.get("status").getAsString());
    assertEquals("fast seed 3", info.get("run_name").getAsString());
    JsonObject search = post(uri, "/api/2.0/mlflow/runs/search",
        "{\"experiment_ids\": [\"" + info.get("experiment_id").getAsString() + "\"]}");
    assertEquals(1, search.getAsJsonArray("runs").size(), "resuming made no second run: " + search);
    JsonArray hist = get(uri, "/api/2.0/mlflow/metrics/get-history?run_id=" + runId + "&metric_key=student_accuracy")
        .getAsJsonArray("metrics");
    Set<Long> steps = new TreeSet<>();
    for (JsonElement m : hist) {
      steps.add(m.getAsJsonObject().has("step") ? m.getAsJsonObject().get("step").getAsLong() : 0L);
    }
    assertEquals(Set.of(0L, 1L, 2L, 3L), steps);
  }

  /** Starts a tracked run, SIGKILLs it after an epoch, resumes it from the directory alone; returns the run id. */
  private String killThenResume(Map<String, String> env, List<String> trackingArgs,
      java.util.function.ToIntFunction<Path> trackedEpochs) throws Exception {
    Path teacher = TinyTeacher.get();
    List<String> a = new ArrayList<>(List.of("distill", "--teacher", teacher.toString(), "--method", "fast",
        "--test-data", "/usr/share/datasets/fashion-mnist", "--seed", "3", "--out", "run", "--quiet"));
    a.addAll(trackingArgs);
    a.addAll(List.of(TinyTeacher.tiny(EPOCHS)));
    Process p = Cli.withEnv(Cli.builder(tmp, e -> true, a.toArray(String[]::new)), env).redirectErrorStream(true)
        .redirectOutput(tmp.resolve("killed.log").toFile()).start();
    Path run = tmp.resolve("run");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    // Kill between epochs, once the store has every completed epoch: the loop writes an epoch's
    // checkpoint before it tracks it, so a kill right after a checkpoint loses that epoch's metrics.
    while (p.isAlive() && System.nanoTime() < deadline) {
      int before = completedEpochs(run);
      int tracked = before < 1 ? 0 : trackedEpochs.applyAsInt(run);
      if (before >= 1 && tracked == before && completedEpochs(run) == before) {
        break;
      }
      Thread.sleep(100);
    }
    assertTrue(p.isAlive(), "the run must still be going when it is killed: " + Files.readString(tmp.resolve("killed.log")));
    p.destroyForcibly().waitFor(); // SIGKILL: the tracked run stays RUNNING in the store
    int done = completedEpochs(run);
    assertTrue(done >= 1 && done < EPOCHS, "killed after " + done + " epochs");
    String before = JsonParser.parseString(Files.readString(run.resolve("tracking.json"))).getAsJsonObject()
        .get("runId").getAsString();

    List<String> r = new ArrayList<>(List.of("distill", "--resume", "run", "--teacher", teacher.toString(),
        "--test-data", "/usr/share/datasets/fashion-mnist", "--quiet"));
    // No tracking options: the run directory says where the run is tracked.
    Cli.Result resumed = Cli.runWithEnv(tmp, env, r.toArray(String[]::new));
    assertEquals(0, resumed.exit(), resumed.err());
    assertTrue(resumed.out().contains("resumed fast"), resumed.out());
    String after = JsonParser.parseString(Files.readString(run.resolve("tracking.json"))).getAsJsonObject()
        .get("runId").getAsString();
    assertEquals(before, after, "the resumed run keeps its tracked run id");
    return after;
  }

  private static String recordedRunId(Path run) {
    try {
      return JsonParser.parseString(Files.readString(run.resolve("tracking.json"))).getAsJsonObject().get("runId").getAsString();
    } catch (Exception e) {
      throw new IllegalStateException("tracking.json of " + run + " unreadable", e);
    }
  }

  private static int completedEpochs(Path run) {
    try {
      Path state = run.resolve("checkpoint/state.json");
      return Files.exists(state) ? JsonParser.parseString(Files.readString(state)).getAsJsonObject().get("completedEpochs").getAsInt() : 0;
    } catch (Exception e) {
      return 0; // being replaced right now
    }
  }

  private static JsonObject get(String base, String path) throws Exception {
    HttpResponse<String> resp = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, resp.statusCode(), resp.body());
    return JsonParser.parseString(resp.body()).getAsJsonObject();
  }

  private static JsonObject post(String base, String path, String json) throws Exception {
    HttpResponse<String> resp = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, resp.statusCode(), resp.body());
    return JsonParser.parseString(resp.body()).getAsJsonObject();
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
