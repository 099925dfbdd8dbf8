package dev.rgal.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.rgal.api.tracking.RunStart;
import dev.rgal.api.tracking.RunStatus;
import dev.rgal.api.tracking.TrackedRun;
import dev.rgal.api.tracking.TrackerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stops a private MLflow server (own port and state dir, so the shared one is untouched) in the
 * middle of runs and brings it back: no metric step may be lost.
 */
class ServerRestartTest {
  @TempDir static Path serverDir;
  static MlflowTestServer server;
  static Rest rest;
  @TempDir Path tmp;
  final List<String> warnings = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  static void start() throws Exception {
    server = MlflowTestServer.startPrivate(serverDir.resolve("state"));
    rest = new Rest(server.uri);
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.stop();
    }
  }

  MlflowServerTracker tracker(Duration finishWait) {
    return tracker(finishWait, MlflowServerTracker.DEFAULT_REQUEST_TIMEOUT);
  }

  MlflowServerTracker tracker(Duration finishWait, Duration requestTimeout) {
    return assertInstanceOf(MlflowServerTracker.class, MlflowTrackerFactory.fromEnvironment()
        .withWarnings(warnings::add).withFinishWait(finishWait).withRequestTimeout(requestTimeout)
        .create(new TrackerConfig(server.uri, tmp.resolve("mlflow.db"), false)));
  }

  @Test
  void aStalledServerCostsAtMostTheRequestTimeout() throws Exception {
    MlflowServerTracker tracker = tracker(Duration.ofSeconds(60), Duration.ofSeconds(2));
    String runId;
    try (TrackedRun run = tracker.start(new RunStart("restart", "stalled", Map.of()))) {
      runId = run.runId();
      run.logMetrics(0, Map.of("loss", 0.0));
      server.signal("STOP"); // accepts connections, never answers
      try {
        long t0 = System.nanoTime();
        for (int s = 1; s < 6; s++) {
          run.logMetrics(s, Map.of("loss", (double) s));
        }
        long seconds = Duration.ofNanos(System.nanoTime() - t0).toSeconds();
        assertTrue(seconds < 12, "logging blocked for " + seconds + " s");
        assertTrue(((MlflowServerRun) run).pendingCount() > 0);
      } finally {
        server.signal("CONT");
      }
      run.finish(RunStatus.FINISHED);
    }
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L),
        rest.history(runId, "loss").stream().map(m -> (long) m[0]).toList());
    assertEquals("FINISHED", rest.run(runId).getAsJsonObject("info").get("status").getAsString());
  }

  @Test
  void stepsLoggedWhileTheServerIsDownArriveInOrder() throws Exception {
    MlflowServerTracker tracker = tracker(Duration.ofSeconds(60));
    Path json = tmp.resolve("late.json");
    Files.writeString(json, "{\"logged\":\"during outage\"}");
    String runId;
    String spoolDir;
    try (TrackedRun run = tracker.start(new RunStart("restart", "outage", Map.of()))) {
      runId = run.runId();
      MlflowServerRun serverRun = (MlflowServerRun) run;
      spoolDir = serverRun.spoolDir().toString();
      for (int s = 0; s < 5; s++) {
        run.logMetrics(s, Map.of("loss", (double) s));
      }
      server.stop();
      for (int s = 5; s < 10; s++) {
        run.logMetrics(s, Map.of("loss", (double) s)); // must not throw
      }
      run.setTags(Map.of("during", "outage"));
      run.logArtifact(json, "late");
      Files.delete(json); // the spool holds its own copy
      run.logParams(Map.of("after", "outage"));
      assertEquals(8, serverRun.pendingCount());
      assertTrue(Files.isRegularFile(Path.of(spoolDir, "journal.jsonl")));
      assertEquals(1, warnings.size(), warnings.toString());
      assertTrue(warnings.get(0).contains("unreachable") && warnings.get(0).contains(spoolDir));

      server.restart();
      for (int s = 10; s < 15; s++) {
        run.logMetrics(s, Map.of("loss", (double) s));
      }
      run.finish(RunStatus.FINISHED);
      assertEquals(0, serverRun.pendingCount());
    }
    assertTrue(Files.notExists(Path.of(spoolDir)), "spool removed once delivered");
    assertTrue(warnings.get(warnings.size() - 1).contains("answers again"), warnings.toString());

    JsonObject r = rest.run(runId);
    assertEquals("FINISHED", r.getAsJsonObject("info").get("status").getAsString());
    List<double[]> loss = rest.history(runId, "loss");
    assertEquals(15, loss.size());
    for (int s = 0; s < 15; s++) {
      assertEquals(s, (long) loss.get(s)[0]);
      assertEquals(s, loss.get(s)[1]);
    }
    // Timestamps are those of the logging calls, not of the late delivery: still ascending.
    for (int s = 1; s < 15; s++) {
      assertTrue(loss.get(s)[2] >= loss.get(s - 1)[2]);
    }
    assertEquals("outage", Rest.keyValues(r, "tags").get("during"));
    assertEquals("outage", Rest.keyValues(r, "params").get("after"));
    assertEquals("{\"logged\":\"during outage\"}",
        new String(rest.download(r, "late/late.json"), java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void aSpoolLeftByAFinishedProcessIsDeliveredByTheNextTracker() throws Exception {
    MlflowServerTracker first = tracker(Duration.ofMillis(500));
    String runId;
    try (TrackedRun run = first.start(new RunStart("restart", "left-over", Map.of()))) {
      runId = run.runId();
      run.logMetrics(0, Map.of("acc", 0.1));
      server.stop();
      run.logMetrics(1, Map.of("acc", 0.2));
      run.logMetrics(2, Map.of("acc", 0.3));
      run.finish(RunStatus.FINISHED); // gives up after 0.5 s, keeps the spool
    }
    Path spool = first.spoolRoot().resolve(runId);
    assertTrue(Files.isRegularFile(spool.resolve("journal.jsonl")));
    assertTrue(warnings.stream().anyMatch(w -> w.contains("still unreachable")
        && w.contains(spool.toString())), warnings.toString());

    server.restart();
    tracker(Duration.ofSeconds(5)); // a new tracker for the same server and store delivers it
    assertTrue(Files.notExists(spool));
    assertEquals(List.of(0L, 1L, 2L),
        rest.history(runId, "acc").stream().map(m -> (long) m[0]).toList());
    assertEquals("FINISHED",
        rest.run(runId).getAsJsonObject("info").get("status").getAsString());
  }
}
