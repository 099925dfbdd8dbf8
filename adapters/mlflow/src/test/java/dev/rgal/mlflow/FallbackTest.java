package dev.rgal.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rgal.api.DfkdException;
import dev.rgal.api.tracking.RunStart;
import dev.rgal.api.tracking.RunStatus;
import dev.rgal.api.tracking.RunTracker;
import dev.rgal.api.tracking.TrackedRun;
import dev.rgal.api.tracking.TrackerConfig;
import dev.rgal.testkit.TestTrackers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;

/** No server at all: the factory and the tracker fall back, or fail when told to. */
class FallbackTest {
  @TempDir Path tmp;
  final List<String> warnings = new ArrayList<>();

  String deadUri() throws Exception {
    return "http://127.0.0.1:" + MlflowTestServer.freePort(); // nothing listens there
  }

  @Test
  void unreachableServerFallsBackToTheEmbeddedStoreWithOneWarning() throws Exception {
    Path store = tmp.resolve("local/mlflow.db");
    RunTracker t = MlflowTrackerFactory.fromEnvironment().withWarnings(warnings::add)
        .create(new TrackerConfig(deadUri(), store, false, () -> TestTrackers.embedded(store)));
    assertTrue(TestTrackers.isEmbedded(t), "the embedded store, not " + t.getClass().getName());
    RunTracker local = t;
    assertEquals(1, warnings.size());
    assertTrue(warnings.get(0).contains(store.toAbsolutePath().toString()), warnings.get(0));
    assertTrue(warnings.get(0).contains("unreachable"), warnings.get(0));
    try (TrackedRun run = local.start(new RunStart("e", "r", Map.of()))) {
      run.logMetrics(3, Map.of("loss", 0.5));
      run.finish(RunStatus.FINISHED);
    }
    assertEquals("FINISHED", local.searchRuns("e").get(0).status());
    assertTrue(Files.isRegularFile(store));
  }

  @Test
  void requiredServerThatIsUnreachableIsAnError() throws Exception {
    DfkdException e = assertThrows(DfkdException.class, () -> MlflowTrackerFactory
        .fromEnvironment().withWarnings(warnings::add)
        .create(new TrackerConfig(deadUri(), tmp.resolve("s"), true)));
    assertTrue(e.getMessage().contains("unreachable"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
    assertEquals(List.of(), warnings);
    assertFalse(Files.exists(tmp.resolve("s")), "no store when the server is required");
  }

  @Test
  void serverGoneBetweenProbeAndStartAlsoFallsBack() throws Exception {
    String uri = deadUri();
    Path store = tmp.resolve("runs.db");
    MlflowServerTracker t = MlflowServerTracker.connect(
        new TrackerConfig(uri, store, false, () -> TestTrackers.embedded(store)),
        new BasicMlflowHostCreds(uri), warnings::add, Duration.ofSeconds(1));
    try (TrackedRun run = t.start(new RunStart("e", "r", Map.of()))) {
      run.logParams(Map.of("a", "1"));
      run.finish(RunStatus.FINISHED);
      assertEquals(1, warnings.size());
      assertTrue(warnings.get(0).contains(run.runId()) && warnings.get(0).contains(
          store.toAbsolutePath().toString()), warnings.get(0));
    }
    assertEquals("1", TestTrackers.embedded(store).searchRuns("e").get(0).params().get("a"));

    MlflowServerTracker required = MlflowServerTracker.connect(
        new TrackerConfig(uri, tmp.resolve("other"), true), new BasicMlflowHostCreds(uri),
        warnings::add, Duration.ofSeconds(1));
    assertThrows(DfkdException.class, () -> required.start(new RunStart("e", "r", Map.of())));
  }

  @Test
  void localConfigurationsAreLeftToTheEmbeddedStore() {
    var f = MlflowTrackerFactory.fromEnvironment();
    assertNull(f.create(new TrackerConfig(null, tmp, false)));
    assertNull(f.create(new TrackerConfig("file:" + tmp, tmp, false)));
  }
}
