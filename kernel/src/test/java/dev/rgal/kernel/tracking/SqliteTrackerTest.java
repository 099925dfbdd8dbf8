package dev.rgal.kernel.tracking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.rgal.api.DfkdException;
import dev.rgal.api.tracking.RunRecord;
import dev.rgal.api.tracking.RunStart;
import dev.rgal.api.tracking.RunStatus;
import dev.rgal.api.tracking.RunTracker;
import dev.rgal.api.tracking.TrackedRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteTrackerTest {
  @TempDir Path tmp;

  @Test
  void newDatabaseHasMlflowsRevisionAndDefaultExperiment() throws Exception {
    SqliteTracker store = SqliteTracker.open(tmp.resolve("mlflow.db"));
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + store.database());
        Statement st = c.createStatement()) {
      ResultSet rev = st.executeQuery("SELECT version_num FROM alembic_version");
      assertTrue(rev.next());
      assertEquals("dc11669786a5", rev.getString(1));
      ResultSet exp = st.executeQuery("SELECT experiment_id, name, artifact_location, lifecycle_stage,"
          + " workspace FROM experiments");
      assertTrue(exp.next());
      assertEquals(0, exp.getLong(1));
      assertEquals("Default", exp.getString(2));
      assertEquals(tmp.resolve("mlruns/0").toAbsolutePath().toString(), exp.getString(3));
      assertEquals("active", exp.getString(4));
      assertEquals("default", exp.getString(5));
      assertFalse(exp.next());
      ResultSet tables = st.executeQuery("SELECT count(*) FROM sqlite_master WHERE type = 'table'");
      assertEquals(65, tables.getInt(1)); // as many as MLflow 3.17.2 creates
    }
    // Opening again leaves it alone.
    SqliteTracker.open(tmp.resolve("mlflow.db"));
    assertEquals(List.of(), store.searchRuns("Default"));
  }

  @Test
  void runsKeepParamsTagsMetricHistoryAndArtifacts() throws Exception {
    SqliteTracker store = SqliteTracker.open(tmp.resolve("db/mlflow.db"));
    String id;
    try (TrackedRun run = store.start(new RunStart("exp", "fast seed 0", Map.of("k", "v")))) {
      id = run.runId();
      assertEquals("sqlite:///" + tmp.resolve("db/mlflow.db").toAbsolutePath(), run.trackingUri());
      run.logParams(Map.of("lr", "0.1"));
      run.logParams(Map.of("lr", "0.2")); // MLflow keeps the first value
      for (int step = 0; step < 3; step++) {
        run.logMetrics(step, Map.of("acc", 0.5 + step / 10.0));
      }
      run.logMetrics(3, Map.of("acc", Double.NaN, "inf", Double.POSITIVE_INFINITY));
      Path art = tmp.resolve("a.txt");
      Files.writeString(art, "hello");
      run.logArtifact(art, "samples");
      run.finish(RunStatus.FINISHED);
    }
    List<RunRecord> runs = store.searchRuns("exp");
    assertEquals(1, runs.size());
    RunRecord r = runs.get(0);
    assertEquals(id, r.runId());
    assertEquals("fast seed 0", r.runName());
    assertEquals("FINISHED", r.status());
    assertEquals("0.1", r.params().get("lr"));
    assertEquals("v", r.tags().get("k"));
    assertEquals("fast seed 0", r.tags().get("mlflow.runName"));
    assertTrue(Double.isNaN(r.metrics().get("acc")));
    assertEquals(Double.MAX_VALUE, r.metrics().get("inf"));
    List<double[]> h = store.metricHistory(id, "acc");
    assertEquals(4, h.size());
    assertEquals(0.6, h.get(1)[2], 1e-12);
    assertEquals(2, h.get(2)[0]);
    assertEquals("hello", Files.readString(
        tmp.resolve("db/mlruns/1/" + id + "/artifacts/samples/a.txt")));
    assertEquals(List.of(), store.searchRuns("no such experiment"));
  }

  @Test
  void abortedRunEndsFailedAndEndedRunRefusesWrites() {
    SqliteTracker store = SqliteTracker.open(tmp.resolve("mlflow.db"));
    TrackedRun run = store.start(new RunStart("e", "r", Map.of()));
    run.close();
    assertEquals("FAILED", store.searchRuns("e").get(0).status());
    assertThrows(IllegalStateException.class, () -> run.logMetrics(0, Map.of("x", 1.0)));
    TrackedRun other = store.start(new RunStart("e", "r2", Map.of()));
    assertThrows(DfkdException.class, () -> other.logParams(Map.of("../x", "1")));
    other.finish(RunStatus.KILLED);
    assertEquals("KILLED", store.searchRuns("e").get(0).status());
  }

  @Test
  void resumeContinuesTheSameRunAndItsMetricHistory() {
    Path db = tmp.resolve("mlflow.db");
    String id;
    try (TrackedRun run = SqliteTracker.open(db).start(new RunStart("e", "fast seed 1", Map.of()))) {
      id = run.runId();
      run.logMetrics(0, Map.of("acc", 0.1));
      run.logMetrics(1, Map.of("acc", 0.2));
    } // killed: FAILED
    SqliteTracker store = SqliteTracker.open(db);
    assertEquals("FAILED", store.searchRuns("e").get(0).status());
    try (TrackedRun again = store.resume(id, new RunStart("e", "fast seed 1", Map.of()))) {
      assertEquals(id, again.runId());
      assertEquals("RUNNING", store.searchRuns("e").get(0).status());
      again.logMetrics(2, Map.of("acc", 0.3));
      again.finish(RunStatus.FINISHED);
    }
    List<RunRecord> runs = store.searchRuns("e");
    assertEquals(1, runs.size());
    assertEquals("FINISHED", runs.get(0).status());
    assertEquals(0.3, runs.get(0).metrics().get("acc"));
    List<double[]> h = store.metricHistory(id, "acc");
    assertEquals(List.of(0.0, 1.0, 2.0), h.stream().map(v -> v[0]).toList());
  }

  @Test
  void resumeOfAnUnknownRunStartsANewOneTaggedWithTheOriginalId() {
    SqliteTracker store = SqliteTracker.open(tmp.resolve("mlflow.db"));
    try (TrackedRun run = store.resume("0123456789abcdef0123456789abcdef",
        new RunStart("e", "cmi seed 2", Map.of("x", "y")))) {
      assertNotEquals("0123456789abcdef0123456789abcdef", run.runId());
      run.finish(RunStatus.FINISHED);
    }
    RunRecord r = store.searchRuns("e").get(0);
    assertEquals("0123456789abcdef0123456789abcdef", r.tags().get(RunTracker.RESUMED_FROM_TAG));
    assertEquals("cmi seed 2", r.runName());
    assertEquals("y", r.tags().get("x"));
  }

  @Test
  void refusesADatabaseAtAnotherRevisionWithoutTouchingIt() throws Exception {
    Path db = tmp.resolve("mlflow.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)");
      st.execute("INSERT INTO alembic_version VALUES ('4465047574b1')");
    }
    byte[] before = Files.readAllBytes(db);
    DfkdException e = assertThrows(DfkdException.class, () -> SqliteTracker.open(db));
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    assertTrue(e.getMessage().contains("revision 4465047574b1"), e.getMessage());
    assertTrue(e.getMessage().contains("mlflow db upgrade"), e.getMessage());
    assertTrue(e.getMessage().contains("--tracking-uri"), e.getMessage());
    assertArrayEquals(before, Files.readAllBytes(db));
    assertFalse(Files.exists(tmp.resolve("mlruns")));
  }

  @Test
  void refusesASqliteFileThatIsNotAnMlflowDatabase() throws Exception {
    Path db = tmp.resolve("other.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE notes (t TEXT)");
    }
    DfkdException e = assertThrows(DfkdException.class, () -> SqliteTracker.open(db));
    assertTrue(e.getMessage().contains("not an MLflow tracking database"), e.getMessage());
    Path text = tmp.resolve("text.db");
    Files.writeString(text, "this is not sqlite at all, just some text that is long enough to matter");
    DfkdException e2 = assertThrows(DfkdException.class, () -> SqliteTracker.open(text));
    assertTrue(e2.getMessage().startsWith("cannot use tracking database"), e2.getMessage());
  }

  /** Two writers at once (two rgal processes of a grid): every row arrives, one experiment. */
  @Test
  void concurrentWritersShareOneDatabase() throws Exception {
    Path db = tmp.resolve("mlflow.db");
    int writers = 4;
    int steps = 40;
    CountDownLatch go = new CountDownLatch(1);
    Set<String> ids = ConcurrentHashMap.newKeySet();
    List<Throwable> errors = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int n = w;
      Thread t = new Thread(() -> {
        try {
          go.await();
          // Each its own tracker, as separate processes would open it.
          try (TrackedRun run = SqliteTracker.open(db).start(new RunStart("grid", "cell " + n, Map.of()))) {
            ids.add(run.runId());
            for (int s = 0; s < steps; s++) {
              run.logMetrics(s, Map.of("acc", s / 100.0, "loss", 1.0 / (s + 1)));
            }
            run.finish(RunStatus.FINISHED);
          }
        } catch (Throwable e) {
          synchronized (errors) {
            errors.add(e);
          }
        }
      });
      t.start();
      threads.add(t);
    }
    go.countDown();
    for (Thread t : threads) {
      t.join();
    }
    assertEquals(List.of(), errors);
    SqliteTracker store = SqliteTracker.open(db);
    List<RunRecord> runs = store.searchRuns("grid");
    assertEquals(writers, runs.size());
    for (String id : ids) {
      assertEquals(steps, store.metricHistory(id, "acc").size());
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement()) {
      assertEquals(1, st.executeQuery("SELECT count(*) FROM experiments WHERE name = 'grid'").getInt(1));
    }
  }

  /**
   * The real oracle: Python MLflow 3.17.2 with no tracking URI and no opt-out variable, started
   * in the store's directory, reads what rgal wrote, and writes into it without migrating.
   */
  @Test
  void pythonMlflowReadsTheEmbeddedStoreByDefault() throws Exception {
    Path dir = tmp.resolve("work dir");
    SqliteTracker store = SqliteTracker.open(dir.resolve("mlflow.db"));
    String id;
    try (TrackedRun run = store.start(new RunStart("py-exp", "it's a run", Map.of("k", "v")))) {
      id = run.runId();
      run.logParams(Map.of("batch_size", "256"));
      for (int step = 0; step < 5; step++) {
        run.logMetrics(step, Map.of("loss", 1.0 / (step + 1)));
      }
      Path art = tmp.resolve("grid.json");
      Files.writeString(art, "{\"ok\":true}");
      run.logArtifact(art, "samples");
      run.finish(RunStatus.FINISHED);
    }
    try (TrackedRun failed = store.start(new RunStart("py-exp", "broken", Map.of()))) {
      failed.logMetrics(0, Map.of("loss", Double.NaN));
    }
    String script = String.join("\n",
        "import json, os, mlflow",
        "from mlflow.tracking import MlflowClient",
        "assert 'MLFLOW_ALLOW_FILE_STORE' not in os.environ",
        "c = MlflowClient()",
        "df = mlflow.search_runs(experiment_names=['py-exp'])",
        "out = {'uri': mlflow.get_tracking_uri(), 'version': mlflow.__version__, 'runs': [],",
        "       'experiments': sorted(e.name for e in c.search_experiments())}",
        "for _, r in df.iterrows():",
        "    rid = r['run_id']",
        "    run = c.get_run(rid)",
        "    hist = c.get_metric_history(rid, 'loss')",
        "    arts = [f.path for f in c.list_artifacts(rid, 'samples')]",
        "    text = open(c.download_artifacts(rid, arts[0], '.')).read() if arts else None",
        "    out['runs'].append({'id': rid, 'status': r['status'], 'name': run.info.run_name,",
        "        'end': run.info.end_time, 'params': run.data.params, 'tags': run.data.tags,",
        "        'steps': [m.step for m in hist], 'values': [m.value for m in hist],",
        "        'artifacts': arts, 'text': text})",
        "mlflow.set_experiment('py-exp')",
        "with mlflow.start_run(run_name='from python') as r:",
        "    mlflow.log_metric('loss', 0.5, step=7)",
        "out['pyRun'] = r.info.run_id",
        "print('RESULT ' + json.dumps(out))");
    JsonObject out = PythonMlflow.run(dir, Map.of(), script);
    assertEquals(PythonMlflow.VERSION, out.get("version").getAsString());
    assertTrue(out.get("uri").getAsString().startsWith("sqlite:"), out.toString());
    assertEquals("[\"Default\",\"py-exp\"]", out.get("experiments").toString());
    JsonArray runs = out.getAsJsonArray("runs");
    assertEquals(2, runs.size());
    JsonObject ok = null;
    JsonObject bad = null;
    for (var e : runs) {
      JsonObject r = e.getAsJsonObject();
      if (r.get("id").getAsString().equals(id)) {
        ok = r;
      } else {
        bad = r;
      }
    }
    assertTrue(ok != null && bad != null, out.toString());
    assertEquals("FINISHED", ok.get("status").getAsString());
    assertEquals("it's a run", ok.get("name").getAsString());
    assertTrue(ok.get("end").getAsLong() > 0);
    assertEquals("256", ok.getAsJsonObject("params").get("batch_size").getAsString());
    assertEquals("v", ok.getAsJsonObject("tags").get("k").getAsString());
    assertEquals("[0,1,2,3,4]", ok.get("steps").toString());
    assertEquals(0.25, ok.getAsJsonArray("values").get(3).getAsDouble(), 1e-12);
    assertEquals("[\"samples/grid.json\"]", ok.get("artifacts").toString());
    assertEquals("{\"ok\":true}", ok.get("text").getAsString());
    assertEquals("FAILED", bad.get("status").getAsString());
    assertTrue(Double.isNaN(bad.getAsJsonArray("values").get(0).getAsDouble()));
    // Python's own run landed in the same database, and rgal reads it back.
    String pyRun = out.get("pyRun").getAsString();
    RunRecord py = store.searchRuns("py-exp").stream().filter(r -> r.runId().equals(pyRun))
        .findFirst().orElseThrow();
    assertEquals("from python", py.runName());
    assertEquals(0.5, py.metrics().get("loss"));
  }
}
