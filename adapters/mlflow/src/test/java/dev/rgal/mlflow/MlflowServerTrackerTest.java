package dev.rgal.mlflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.rgal.api.tracking.RunRecord;
import dev.rgal.api.tracking.RunStart;
import dev.rgal.api.tracking.RunStatus;
import dev.rgal.api.tracking.RunTracker;
import dev.rgal.api.tracking.TrackedRun;
import dev.rgal.api.tracking.TrackerConfig;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs against a real MLflow server, checked through its REST API. */
class MlflowServerTrackerTest {
  static MlflowTestServer server;
  static Rest rest;
  @TempDir Path tmp;
  final List<String> warnings = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  static void server() throws Exception {
    server = MlflowTestServer.shared();
    rest = new Rest(server.uri);
  }

  RunTracker tracker() {
    RunTracker t = MlflowTrackerFactory.fromEnvironment().withWarnings(warnings::add)
        .create(new TrackerConfig(server.uri, tmp.resolve("mlflow.db"), true));
    return assertInstanceOf(MlflowServerTracker.class, t);
  }

  @Test
  void aFinishedRunHasEverythingOnTheServer() throws Exception {
    String experiment = "rgal-test-" + System.nanoTime();
    RunTracker tracker = tracker();
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < 150; i++) {
      params.put("p" + i, "v" + i); // more than one log-batch may carry
    }
    params.put("long", "x".repeat(7000)); // over the server's 6000-char limit
    Path png = tmp.resolve("grid.png");
    BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
    img.setRGB(3, 3, 0xff0000);
    ImageIO.write(img, "png", png.toFile());
    Path json = tmp.resolve("provenance.json");
    Files.writeString(json, "{\"method\":\"fast\",\"epochs\":3}");

    String runId;
    try (TrackedRun run = tracker.start(new RunStart(experiment, "full", Map.of("method", "fast")))) {
      runId = run.runId();
      assertTrue(run.location().startsWith(server.uri), run.location());
      run.logParams(params);
      for (int step = 0; step < 10; step++) {
        run.logMetrics(step, Map.of("loss", 10.0 - step, "acc", step / 10.0));
      }
      run.logMetrics(10, Map.of("acc", Double.NaN)); // a diverged step is still a step
      run.setTags(Map.of("stage", "done", "note", "second tag call"));
      run.logArtifact(png, "samples");
      run.logArtifact(json, "");
      run.finish(RunStatus.FINISHED);
    }

    JsonObject r = rest.run(runId);
    JsonObject info = r.getAsJsonObject("info");
    assertEquals("FINISHED", info.get("status").getAsString());
    assertTrue(info.get("end_time").getAsLong() >= info.get("start_time").getAsLong());
    assertEquals("full", info.get("run_name").getAsString());
    Map<String, String> stored = Rest.keyValues(r, "params");
    assertEquals(151, stored.size());
    assertEquals("v149", stored.get("p149"));
    assertEquals("x".repeat(6000), stored.get("long"));
    Map<String, String> tags = Rest.keyValues(r, "tags");
    assertEquals("fast", tags.get("method"));
    assertEquals("done", tags.get("stage"));
    assertEquals("full", tags.get("mlflow.runName"));

    List<double[]> loss = rest.history(runId, "loss");
    assertEquals(10, loss.size());
    for (int step = 0; step < 10; step++) {
      assertEquals(step, (long) loss.get(step)[0]);
      assertEquals(10.0 - step, loss.get(step)[1]);
    }
    List<double[]> acc = rest.history(runId, "acc");
    assertEquals(11, acc.size());
    assertTrue(Double.isNaN(acc.get(10)[1]));

    assertEquals(List.of("samples/grid.png", "provenance.json").stream().sorted().toList(),
        rest.allArtifactFiles(runId).stream().sorted().toList());
    assertArrayEquals(Files.readAllBytes(png), rest.download(r, "samples/grid.png"));
    assertArrayEquals(Files.readAllBytes(json), rest.download(r, "provenance.json"));

    List<RunRecord> found = tracker.searchRuns(experiment);
    assertEquals(1, found.size());
    assertEquals("FINISHED", found.get(0).status());
    assertEquals(1.0, found.get(0).metrics().get("loss"));
    assertEquals(List.of(), tracker.searchRuns("rgal-test-none-" + System.nanoTime()));
    assertEquals(List.of(), warnings);
    assertTrue(Files.notExists(Spool.rootFor(tmp.resolve("mlflow.db")).resolve(runId)));
  }

  @Test
  void resumeContinuesTheRunOrStartsATaggedOneWhenTheServerLostIt() throws Exception {
    String experiment = "rgal-test-" + System.nanoTime();
    RunTracker tracker = tracker();
    String id;
    try (TrackedRun run = tracker.start(new RunStart(experiment, "fast seed 0", Map.of()))) {
      id = run.runId();
      assertEquals(server.uri, run.trackingUri());
      run.logMetrics(0, Map.of("acc", 0.1));
      run.logMetrics(1, Map.of("acc", 0.2));
    } // aborted: FAILED
    try (TrackedRun again = tracker.resume(id, new RunStart(experiment, "fast seed 0", Map.of()))) {
      assertEquals(id, again.runId());
      assertEquals("RUNNING", rest.run(id).getAsJsonObject("info").get("status").getAsString());
      again.logMetrics(2, Map.of("acc", 0.3));
      again.finish(RunStatus.FINISHED);
    }
    assertEquals("FINISHED", rest.run(id).getAsJsonObject("info").get("status").getAsString());
    assertEquals(List.of(0L, 1L, 2L), rest.history(id, "acc").stream().map(v -> (long) v[0]).toList());
    assertEquals(1, tracker.searchRuns(experiment).size());

    // The server no longer has it (deleted): a new run, tagged with the original id.
    var resp = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
        .newBuilder(java.net.URI.create(server.uri + "/api/2.0/mlflow/runs/delete"))
        .header("Content-Type", "application/json")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"run_id\": \"" + id + "\"}")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(200, resp.statusCode(), resp.body());
    String fresh;
    try (TrackedRun other = tracker.resume(id, new RunStart(experiment, "fast seed 0", Map.of()))) {
      fresh = other.runId();
      other.finish(RunStatus.FINISHED);
    }
    assertTrue(!fresh.equals(id));
    Map<String, String> tags = Rest.keyValues(rest.run(fresh), "tags");
    assertEquals(id, tags.get(RunTracker.RESUMED_FROM_TAG));
    assertEquals("fast seed 0", tags.get("mlflow.runName"));
    assertEquals(List.of(), warnings);
  }

  @Test
  void closeWithoutFinishIsFailedAndKilledStaysKilled() throws Exception {
    String experiment = "rgal-test-" + System.nanoTime();
    RunTracker tracker = tracker();
    String failed;
    try (TrackedRun run = tracker.start(new RunStart(experiment, "crashes", Map.of()))) {
      failed = run.runId();
      run.logMetrics(0, Map.of("loss", 1.0));
      // no finish: the try block "throws"
    }
    String killed;
    try (TrackedRun run = tracker.start(new RunStart(experiment, "stopped", Map.of()))) {
      killed = run.runId();
      run.logParams(Map.of("lr", "0.1"));
      run.logParams(Map.of("lr", "0.2")); // MLflow forbids changing a param: warned, not thrown
      run.logMetrics(0, Map.of("after", 1.0));
      run.finish(RunStatus.KILLED);
    }
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).contains("rejected params [lr]"), warnings.get(0));
    assertEquals("0.1", Rest.keyValues(rest.run(killed), "params").get("lr"));
    assertEquals(1, rest.history(killed, "after").size());
    assertEquals("FAILED", rest.run(failed).getAsJsonObject("info").get("status").getAsString());
    assertEquals("KILLED", rest.run(killed).getAsJsonObject("info").get("status").getAsString());
    List<RunRecord> runs = tracker.searchRuns(experiment);
    assertEquals(List.of("stopped", "crashes"), runs.stream().map(RunRecord::runName).toList());
  }
}
