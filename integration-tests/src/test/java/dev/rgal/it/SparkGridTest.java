package dev.rgal.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import dev.rgal.api.tracking.RunRecord;
import dev.rgal.kernel.plugin.PluginHost;
import dev.rgal.kernel.tracking.Trackers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rgal compare --spark} on a real Spark standalone cluster (master + one worker of 2 cores
 * on 127.0.0.1, from {@code scripts/spark-cluster.sh}; the test command starts it and passes
 * {@code SPARK_MASTER_URL}, else this class starts and stops one) and a real MLflow server
 * ({@code MLFLOW_TRACKING_URI}, else {@code scripts/mlflow-server.sh}).
 */
class SparkGridTest {
  private static final Path REPO = Path.of(System.getProperty("user.dir")).getParent();
  private static final String TEST_DATA = "/usr/share/datasets/fashion-mnist";
  private static String master;
  private static Path workDir;
  private static String trackingUri;
  private static boolean startedCluster;

  @TempDir Path tmp;

  @BeforeAll
  static void cluster() throws Exception {
    master = System.getenv("SPARK_MASTER_URL");
    String work = System.getenv("RGAL_SPARK_WORK_DIR");
    if (master == null || work == null) {
      Map<String, String> env = script("spark-cluster.sh", "start");
      master = env.get("SPARK_MASTER_URL");
      work = env.get("RGAL_SPARK_WORK_DIR");
      startedCluster = true;
    }
    workDir = Path.of(work);
    trackingUri = System.getenv("MLFLOW_TRACKING_URI");
    if (trackingUri == null || trackingUri.isBlank()) {
      trackingUri = script("mlflow-server.sh", "start").get("MLFLOW_TRACKING_URI");
    }
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (startedCluster) {
      script("spark-cluster.sh", "stop");
    }
  }

  /** Runs scripts/NAME and returns the KEY=VALUE lines it printed. */
  private static Map<String, String> script(String name, String verb) throws Exception {
    Process p = new ProcessBuilder(REPO.resolve("scripts").resolve(name).toString(), verb)
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), name + " " + verb + " failed: " + out);
    return out.lines().filter(l -> l.contains("=")).collect(Collectors.toMap(l -> l.substring(0, l.indexOf('=')),
        l -> l.substring(l.indexOf('=') + 1), (a, b) -> b));
  }

  private static List<String> grid(Path teacher, String experiment, int epochs, String... extra) {
    List<String> a = new ArrayList<>(List.of("compare", "--teacher", teacher.toString(), "--test-data", TEST_DATA,
        "--experiment", experiment, "--tracking-uri", trackingUri, "--deterministic", "--quiet"));
    a.addAll(List.of(TinyTeacher.tiny(epochs)));
    a.addAll(List.of(extra));
    return a;
  }

  private List<String> onCluster(List<String> args) {
    List<String> a = new ArrayList<>(args);
    a.addAll(List.of("--spark", master, "--spark-conf", "spark.ui.enabled=false",
        "--spark-conf", "spark.driver.host=127.0.0.1", "--spark-conf", "spark.driver.bindAddress=127.0.0.1"));
    return a;
  }

  private static List<RunRecord> runs(String experiment) {
    try (PluginHost host = PluginHost.discover()) {
      return Trackers.open(host, trackingUri, Path.of("mlruns"), true).searchRuns(experiment);
    }
  }

  /** (method, seed) → final last-epoch accuracy of the FINISHED runs. */
  private static Map<String, Double> lastAccuracies(List<RunRecord> runs) {
    Map<String, Double> m = new TreeMap<>();
    for (RunRecord r : runs) {
      if (r.status().equals("FINISHED")) {
        assertEquals(null, m.put(r.tags().get("method") + " seed " + r.params().get("seed"), r.metrics().get("final.last_accuracy")),
            "two finished runs of one cell: " + r.runName());
      }
    }
    return m;
  }

  private static Cli.Result finish(Process p, Path log) throws Exception {
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException("the grid did not finish: " + Files.readString(log));
    }
    String all = Files.readString(log);
    return new Cli.Result(p.exitValue(), all, all);
  }

  /** The executor JVMs of our worker (their working directory is under its work dir). */
  private static List<ProcessHandle> executors() {
    return ProcessHandle.allProcesses().filter(h -> h.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
        .filter(h -> cwd(h).map(c -> c.startsWith(workDir.toAbsolutePath())).orElse(false)).toList();
  }

  private static Optional<Path> cwd(ProcessHandle h) {
    try {
      return Optional.of(Files.readSymbolicLink(Path.of("/proc", String.valueOf(h.pid()), "cwd")));
    } catch (IOException | UnsupportedOperationException e) {
      return Optional.empty();
    }
  }

  /** A run directory under {@code grid} that has a checkpoint but no summary yet: a cell mid-run. */
  private static Optional<Path> cellMidRun(Path grid) throws IOException {
    if (!Files.isDirectory(grid)) {
      return Optional.empty();
    }
    try (Stream<Path> dirs = Files.list(grid)) {
      return dirs.filter(d -> !Files.exists(d.resolve("summary.json")) && completedEpochs(d) >= 1).findFirst();
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

  @Test
  void gridOnTheClusterEqualsTheLocalGridAndSurvivesAKilledExecutorAndAKilledDriver() throws Exception {
    Path teacher = TinyTeacher.get();
    String id = Long.toString(System.nanoTime(), 36);
    List<String> cells = List.of("--methods", "fast,fast+rgal", "--seeds", "0,1");

    long t0 = System.nanoTime();
    List<String> local = grid(teacher, "it-local-" + id, 3, "--out", "local");
    local.addAll(cells);
    Cli.Result localRun = Cli.run(tmp, local.toArray(String[]::new));
    assertEquals(0, localRun.exit(), localRun.err());
    long localMillis = (System.nanoTime() - t0) / 1_000_000;

    // the cluster grid, its run directories on a path the (one-machine) cluster shares, so the
    // killed cell resumes from its checkpoint
    String experiment = "it-spark-" + id;
    List<String> spark = onCluster(grid(teacher, experiment, 3, "--out", tmp.resolve("grid").toString(),
        "--spark-shared", tmp.toString()));
    spark.addAll(cells);
    Path log = tmp.resolve("spark.log");
    t0 = System.nanoTime();
    Process p = Cli.builder(tmp, e -> true, spark.toArray(String[]::new)).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    Optional<Path> victim = Optional.empty();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (victim.isEmpty() && p.isAlive() && System.nanoTime() < deadline) {
      victim = cellMidRun(tmp.resolve("grid"));
      Thread.sleep(50);
    }
    assertTrue(victim.isPresent() && p.isAlive(), "no cell was seen mid-run: " + Files.readString(log));
    List<ProcessHandle> execs = executors();
    assertEquals(1, execs.size(), "one executor of one cell at a time: " + execs);
    execs.get(0).destroyForcibly(); // SIGKILL: the executor gets no chance to clean up

    // then the driver dies: kill rgal compare (and so the grid driver it started) once two cells finished
    while (p.isAlive() && finishedRuns(experiment) < 2 && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertTrue(p.isAlive(), "the grid must still be going when its driver is killed: " + Files.readString(log));
    p.destroyForcibly().waitFor();
    String firstLog = Files.readString(log);
    System.out.println("the first, interrupted invocation:\n" + firstLog);
    assertTrue(firstLog.contains("lost on executor"), firstLog);
    long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (runs(experiment).stream().anyMatch(r -> r.status().equals("RUNNING")) && System.nanoTime() < settle) {
      Thread.sleep(500);
    }
    List<RunRecord> afterCrash = runs(experiment);
    assertFalse(afterCrash.stream().anyMatch(r -> r.status().equals("RUNNING")), "the tracking server is consistent: " + afterCrash);
    long done = afterCrash.stream().filter(r -> r.status().equals("FINISHED")).count();
    assertTrue(done >= 2 && done < 4, "killed with " + done + " cells finished");

    // the same command again runs only the cells without a finished run
    Path again = tmp.resolve("again.log");
    Cli.Result sparkRun = finish(Cli.builder(tmp, e -> true, spark.toArray(String[]::new)).redirectErrorStream(true)
        .redirectOutput(again.toFile()).start(), again);
    long sparkMillis = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("the re-run:\n" + sparkRun.out());
    assertEquals(0, sparkRun.exit(), sparkRun.out());
    assertTrue(sparkRun.out().contains("4 cells, " + done + " already finished") && sparkRun.out().contains((4 - done) + " to run"),
        sparkRun.out());
    System.out.printf("2x2 grid: local %.1f s; on the cluster, with one executor and then the driver killed, and the re-run: %.1f s%n",
        localMillis / 1e3, sparkMillis / 1e3);

    List<RunRecord> clusterRuns = runs(experiment);
    assertEquals(lastAccuracies(runs("it-local-" + id)), lastAccuracies(clusterRuns),
        "with --deterministic, the cluster's cells equal the local ones bit for bit");
    assertEquals(4, lastAccuracies(clusterRuns).size(), "four cells, one finished run each");
    assertFalse(clusterRuns.stream().anyMatch(r -> r.status().equals("RUNNING")), "no run left RUNNING: " + clusterRuns);
    String victimDir = tmp.resolve("grid").relativize(victim.get()).toString();
    List<RunRecord> victimRuns = clusterRuns.stream().filter(r -> r.tags().getOrDefault("run.dir", "").endsWith("/" + victimDir)).toList();
    assertTrue(victimRuns.stream().anyMatch(r -> r.status().equals("KILLED") || r.status().equals("FAILED")), victimRuns.toString());
    assertTrue(victimRuns.stream().anyMatch(r -> r.status().equals("FINISHED") && r.tags().get("grid.resumed").equals("true")),
        "the retry resumed from the checkpoint on the shared path: " + victimRuns);
    for (RunRecord r : clusterRuns) {
      assertTrue(r.status().equals("FINISHED") == r.metrics().containsKey("final.peak_rss_mib"), r.toString());
    }
    assertTrue(sparkRun.out().contains("| fast+rgal | 2 (0,1) |"), sparkRun.out());
    Cli.Result table = Cli.run(tmp, "runs", "--experiment", experiment, "--tracking-uri", trackingUri);
    assertEquals(0, table.exit(), table.err());
    String ranked = sparkRun.out().substring(sparkRun.out().indexOf("| rank"), sparkRun.out().indexOf("| cell |"));
    assertEquals(table.out().strip(), ranked.strip(), "the driver's table is the one of rgal runs");
  }

  private static long finishedRuns(String experiment) {
    return runs(experiment).stream().filter(r -> r.status().equals("FINISHED")).count();
  }

  @Test
  void clusterOptionsWithoutAClusterOrATrackingServerAreOneLineErrors() throws Exception {
    Path teacher = TinyTeacher.get();
    Cli.Result noSpark = Cli.run(tmp, "compare", "--teacher", teacher.toString(), "--methods", "fast", "--out", "g",
        "--spark-conf", "spark.executor.cores=4");
    assertEquals(1, noSpark.exit(), noSpark.err());
    assertEquals("rgal: error: --spark-conf and --spark-shared need --spark MASTER_URL", noSpark.err().strip());
    Cli.Result badKey = Cli.run(tmp, "compare", "--teacher", teacher.toString(), "--methods", "fast", "--out", "g",
        "--spark", master, "--spark-conf", "executor.cores=4");
    assertEquals(1, badKey.exit(), badKey.err());
    assertTrue(badKey.err().strip().startsWith("rgal: error: --spark-conf executor.cores: Spark settings start with 'spark.'"), badKey.err());
    Cli.Result local = Cli.run(tmp, "compare", "--teacher", teacher.toString(), "--methods", "fast", "--out", "g",
        "--spark", master, "--tracking-uri", tmp.resolve("mlruns").toUri().toString());
    assertEquals(1, local.exit(), local.err());
    assertTrue(local.err().contains("--spark needs an MLflow tracking server the executors reach"), local.err());
    assertFalse(Files.exists(tmp.resolve("g")), "nothing written");
  }

  @Test
  void aCellThatFailsDeterministicallyFailsOnceAndTheRestFinishes() throws Exception {
    Path teacher = TinyTeacher.get();
    String experiment = "it-spark-fail-" + Long.toString(System.nanoTime(), 36);
    // a learning rate of 1e30 passes every option check and makes the KD loss non-finite
    List<String> args = onCluster(grid(teacher, experiment, 1, "--out", "grid", "--methods", "fast", "--seeds", "0",
        "--variant", "ok", "--variant", "nan=trainer.settings.lr=1e30"));
    Cli.Result r = Cli.run(tmp, args.toArray(String[]::new));
    assertEquals(1, r.exit(), r.out() + r.err());
    assertTrue(r.err().contains("1 of 2 cells did not finish (fast [nan] seed 0)"), r.err());
    String failedRow = r.out().lines().filter(l -> l.contains("| fast [nan] | 0 | FAILED |")).findFirst().orElse("");
    assertTrue(failedRow.contains("non-finite") || failedRow.contains("NaN"), "the one-line error in the table: " + r.out());
    assertTrue(r.out().contains("| fast [ok] | 0 | FINISHED |"), r.out());
    List<RunRecord> all = runs(experiment);
    assertEquals(Map.of("FAILED", 1L, "FINISHED", 1L), all.stream().collect(Collectors.groupingBy(RunRecord::status, Collectors.counting())),
        "the failing cell ran once, not once per Spark retry: " + all);
  }
}
