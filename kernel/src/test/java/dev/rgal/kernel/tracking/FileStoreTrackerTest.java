package dev.rgal.kernel.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rgal.api.DfkdException;
import dev.rgal.api.tracking.RunRecord;
import dev.rgal.api.tracking.RunStart;
import dev.rgal.api.tracking.RunStatus;
import dev.rgal.api.tracking.TrackedRun;
import dev.rgal.api.tracking.TrackerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStoreTrackerTest {
  @TempDir Path tmp;

  @Test
  void writesMlflowLayoutAndReadsItBack() throws IOException {
    FileStoreTracker store = FileStoreTracker.open(tmp.resolve("mlruns"));
    assertTrue(Files.isRegularFile(store.root().resolve("0/meta.yaml")), "Default experiment");
    assertTrue(Files.isDirectory(store.root().resolve(".trash")));

    String id;
    try (TrackedRun run = store.start(new RunStart("exp-a", "first", Map.of("method", "fast")))) {
      id = run.runId();
      run.logParams(Map.of("lr", "0.1", "nested/key", "x"));
      run.logMetrics(0, Map.of("loss", 2.0, "acc", 0.1));
      run.logMetrics(1, Map.of("loss", 1.5));
      run.logMetrics(2, Map.of("loss", 1.0, "acc", 0.5));
      run.finish(RunStatus.FINISHED);
    }
    Path runDir = store.findRunDir(id).orElseThrow();
    assertEquals("0.1", Files.readString(runDir.resolve("params/lr")));
    List<String> lines = Files.readAllLines(runDir.resolve("metrics/loss"));
    assertEquals(3, lines.size());
    assertTrue(lines.get(2).matches("\\d+ 1\\.0 2"), lines.get(2));
    assertTrue(Files.readString(runDir.resolve("meta.yaml")).contains("status: 3"));

    try (TrackedRun failed = store.start(new RunStart("exp-a", "second", Map.of()))) {
      failed.logMetrics(0, Map.of("loss", 9.0));
    }
    List<RunRecord> runs = store.searchRuns("exp-a");
    assertEquals(2, runs.size());
    RunRecord first = runs.stream().filter(r -> r.runId().equals(id)).findFirst().orElseThrow();
    assertEquals("FINISHED", first.status());
    assertEquals("first", first.runName());
    assertEquals(Map.of("lr", "0.1", "nested/key", "x"), first.params());
    assertEquals(1.0, first.metrics().get("loss"));
    assertEquals(0.5, first.metrics().get("acc"));
    assertEquals("fast", first.tags().get("method"));
    assertEquals("FAILED", runs.stream().filter(r -> !r.runId().equals(id)).findFirst()
        .orElseThrow().status());
    assertEquals(List.of(), store.searchRuns("no-such-experiment"));
  }

  @Test
  void reopeningFindsTheSameExperimentAndRejectsBadKeys() {
    Path root = tmp.resolve("store");
    FileStoreTracker a = FileStoreTracker.open(root);
    try (TrackedRun r = a.start(new RunStart("e", "r", Map.of()))) {
      assertThrows(DfkdException.class, () -> r.logParams(Map.of("../escape", "x")));
      assertThrows(DfkdException.class, () -> r.logMetrics(0, Map.of("bad\nkey", 1.0)));
      r.finish(RunStatus.KILLED);
    }
    FileStoreTracker b = FileStoreTracker.open(root);
    assertEquals(a.experimentId("e", false), b.experimentId("e", false));
    assertEquals("KILLED", b.searchRuns("e").get(0).status());
  }

  @Test
  void localFactoryHandlesLocalConfigsOnly() {
    var f = Trackers.localFactory();
    var embedded = (SqliteTracker) f.create(new TrackerConfig(null, tmp.resolve("a/mlflow.db"), false));
    assertEquals(tmp.resolve("a/mlflow.db").toAbsolutePath().normalize(), embedded.database());
    var sqlite = (SqliteTracker) f.create(new TrackerConfig("sqlite:///" + tmp.resolve("c.db").toAbsolutePath(), tmp, false));
    assertEquals(tmp.resolve("c.db").toAbsolutePath().normalize(), sqlite.database());
    var fromUri = (FileStoreTracker) f.create(
        new TrackerConfig(tmp.resolve("b").toUri().toString(), tmp.resolve("a"), false));
    assertEquals(tmp.resolve("b").toAbsolutePath().normalize(), fromUri.root());
    assertEquals(null, f.create(new TrackerConfig("http://127.0.0.1:1", tmp, false)));
  }

  /** The real oracle: Python MLflow reads what we wrote. */
  @Test
  void pythonMlflowReadsTheStore() throws Exception {
    FileStoreTracker store = FileStoreTracker.open(tmp.resolve("py store"));
    String id;
    try (TrackedRun run = store.start(new RunStart("py-exp", "it's a run", Map.of("k", "v")))) {
      id = run.runId();
      run.logParams(Map.of("batch_size", "256"));
      for (int step = 0; step < 5; step++) {
        run.logMetrics(step, Map.of("loss", 1.0 / (step + 1), "tiny", 1e-7 * step));
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
        "import json, sys, mlflow",
        "from mlflow.tracking import MlflowClient",
        "mlflow.set_tracking_uri(sys.argv[1])",
        "df = mlflow.search_runs(experiment_names=['py-exp'])",
        "c = MlflowClient()",
        "out = {'runs': []}",
        "for _, r in df.iterrows():",
        "    rid = r['run_id']",
        "    run = c.get_run(rid)",
        "    hist = c.get_metric_history(rid, 'loss')",
        "    out['runs'].append({'id': rid, 'status': r['status'], 'name': run.info.run_name,",
        "        'end': run.info.end_time, 'params': run.data.params, 'tags': run.data.tags,",
        "        'steps': [m.step for m in hist], 'values': [m.value for m in hist],",
        "        'artifacts': [f.path for f in c.list_artifacts(rid, 'samples')]})",
        "print('RESULT ' + json.dumps(out))");
    JsonObject out = runPython(script, store.trackingUri());
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
    assertTrue(ok != null && bad != null);
    assertEquals("FINISHED", ok.get("status").getAsString());
    assertEquals("it's a run", ok.get("name").getAsString());
    assertTrue(ok.get("end").getAsLong() > 0);
    assertEquals("256", ok.getAsJsonObject("params").get("batch_size").getAsString());
    assertEquals("v", ok.getAsJsonObject("tags").get("k").getAsString());
    assertEquals("[0,1,2,3,4]", ok.get("steps").toString());
    assertEquals(0.25, ok.getAsJsonArray("values").get(3).getAsDouble(), 1e-12);
    assertEquals("[\"samples/grid.json\"]", ok.get("artifacts").toString());
    assertEquals("FAILED", bad.get("status").getAsString());
  }

  /** The other direction: a store written by Python MLflow is what `rgal runs` reads. */
  @Test
  void readsAStoreWrittenByPythonMlflow() throws Exception {
    Path dir = tmp.resolve("written by python");
    String script = String.join("\n",
        "import json, sys, mlflow",
        "mlflow.set_tracking_uri(sys.argv[1])",
        "mlflow.set_experiment('from python')",
        "with mlflow.start_run(run_name='py run') as r:",
        "    mlflow.log_params({'lr': '0.05', 'arch': 'resnet18'})",
        "    for s in range(4): mlflow.log_metric('acc', s / 4, step=s)",
        "    mlflow.set_tag('origin', 'python: yes')",
        "print('RESULT ' + json.dumps({'id': r.info.run_id}))");
    String id = runPython(script, dir.toUri().toString()).get("id").getAsString();
    List<RunRecord> runs = FileStoreTracker.open(dir).searchRuns("from python");
    assertEquals(1, runs.size());
    RunRecord r = runs.get(0);
    assertEquals(id, r.runId());
    assertEquals("py run", r.runName());
    assertEquals("FINISHED", r.status());
    assertEquals("0.05", r.params().get("lr"));
    assertEquals(0.75, r.metrics().get("acc"));
    assertEquals("python: yes", r.tags().get("origin"));
  }

  /** The legacy file store needs MLflow 3.x's opt-in; the SQLite store (the default) does not. */
  static JsonObject runPython(String script, String... args) throws Exception {
    Path cwd = Files.createTempDirectory("rgal-py");
    return PythonMlflow.run(cwd, Map.of("MLFLOW_ALLOW_FILE_STORE", "true"), script, args);
  }
}
