package dev.rgal.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rgal.api.tracking.RunStart;
import dev.rgal.api.tracking.RunStatus;
import dev.rgal.api.tracking.TrackedRun;
import dev.rgal.kernel.tracking.FileStoreTracker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rgal runs} still reads the ./mlruns file store of earlier rgal versions, and says how to migrate it. */
class LegacyStoreTest {
  @TempDir Path tmp;

  @Test
  void runsReadsAnOldFileStoreWhenThereIsNoDatabase() throws Exception {
    FileStoreTracker old = FileStoreTracker.open(tmp.resolve("mlruns"));
    try (TrackedRun run = old.start(new RunStart("old-grid", "fast seed 0", Map.of("method", "fast")))) {
      run.logParams(Map.of("seed", "0"));
      run.logMetrics(2, Map.of("final.last_accuracy", 0.625, "final.best_accuracy", 0.75));
      run.finish(RunStatus.FINISHED);
    }
    Map<String, String> env = new HashMap<>();
    env.put("MLFLOW_TRACKING_URI", null);
    Cli.Result r = Cli.runWithEnv(tmp, env, "runs", "--experiment", "old-grid");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("| fast ") && r.out().contains("62.50"), r.out());
    assertTrue(r.err().contains("mlflow migrate-filestore"), r.err());
    assertFalse(Files.exists(tmp.resolve("mlflow.db")), "reading creates no database");
  }

  @Test
  void runsInADirectoryWithoutAnyStoreCreatesNone() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("MLFLOW_TRACKING_URI", null);
    Cli.Result r = Cli.runWithEnv(tmp, env, "runs", "--experiment", "nothing");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("no finished runs in experiment 'nothing'"), r.out());
    assertFalse(Files.exists(tmp.resolve("mlflow.db")));
    assertFalse(Files.exists(tmp.resolve("mlruns")));
  }
}
