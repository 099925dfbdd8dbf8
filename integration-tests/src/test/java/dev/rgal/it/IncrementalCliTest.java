package dev.rgal.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rgal.api.tracking.RunRecord;
import dev.rgal.kernel.tracking.SqliteTracker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rgal incremental} as a user runs it, on real Fashion-MNIST at a tiny size (two tasks of
 * five classes, one epoch, 2,000 real images per task): the printed metrics, the tracked run with
 * step = task, the saved per-task models, and bad input.
 */
class IncrementalCliTest {
  private static final String FMNIST = "/usr/share/datasets/fashion-mnist";
  @TempDir Path tmp;

  private static String[] args(String out, String... extra) {
    List<String> a = new java.util.ArrayList<>(List.of("incremental", "--tasks", "5,5", "--images-per-task", "2000",
        "--batch-size", "64", "--test-data", FMNIST, "--out", out, "--quiet"));
    List<String> more = List.of(extra);
    // defaults of these tests unless a case gives its own
    if (!more.contains("--method")) {
      a.addAll(List.of("--method", "lwf"));
    }
    if (!more.contains("--epochs")) {
      a.addAll(List.of("--epochs", "1"));
    }
    a.addAll(more);
    return a.toArray(String[]::new);
  }

  @Test
  void aTrackedRunReportsEveryTaskAndTheFinalMetricsUnderBothConventions() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("MLFLOW_TRACKING_URI", null);
    Cli.Result r = Cli.runWithEnv(tmp, env, args("run", "--experiment", "it-incremental"));
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("task 2/2"), r.out());
    assertTrue(r.out().contains("real classes read: [1, 3, 5, 7, 8]"), "O0's first five classes: " + r.out());
    assertTrue(r.out().contains("mean of per-task accuracies (ABD)") && r.out().contains("pooled test images"), r.out());
    assertTrue(r.out().contains("average forgetting F_T"), r.out());
    for (int t = 1; t <= 2; t++) {
      assertTrue(Files.isRegularFile(tmp.resolve("run/task-" + t + "/teacher.json")), "model after task " + t);
    }
    SqliteTracker store = SqliteTracker.open(tmp.resolve("mlflow.db"));
    List<RunRecord> runs = store.searchRuns("it-incremental");
    assertEquals(1, runs.size());
    RunRecord run = runs.get(0);
    assertEquals("FINISHED", run.status());
    assertEquals("incremental", run.tags().get("task"));
    assertEquals("false", run.tags().get("data.real_old_images"));
    assertEquals("[0, 2, 4, 6, 9]", run.tags().get("incremental.real_classes.task2"));
    Set<Long> steps = new TreeSet<>();
    store.metricHistory(run.runId(), "accuracy_pooled").forEach(v -> steps.add((long) v[0]));
    assertEquals(Set.of(1L, 2L), steps, "step = task");
    double first = store.metricHistory(run.runId(), "accuracy_pooled").get(0)[1];
    assertTrue(first > 0.6, "task 1 learned on real images (5 classes, chance 0.2): " + first);
    assertTrue(run.metrics().containsKey("final.forgetting") && run.metrics().containsKey("final.pooled_avg_incremental_accuracy"),
        run.metrics().toString());
    assertTrue(Files.isRegularFile(tmp.resolve("mlruns/1/" + run.runId() + "/artifacts/matrix.csv")), "matrix.csv is an artifact");
    assertTrue(Files.size(tmp.resolve("run/accuracy.png")) > 1000, "the accuracy-after-each-task plot");
    // the grid reads back from the store: one row per method and split, the incremental columns, the plot
    Cli.Result table = Cli.runWithEnv(tmp, env, "runs", "--experiment", "it-incremental", "--incremental-plot", "curves.png");
    assertEquals(0, table.exit(), table.err());
    assertTrue(table.out().contains("| lwf [5,5] |") && table.out().contains("final.forgetting %"), table.out());
    assertTrue(table.out().contains("incremental plot: curves.png (1 lines)"), table.out());
    assertTrue(Files.size(tmp.resolve("curves.png")) > 1000);

    // the deployable models speak the dataset's class ids: rgal eval on the full test split gives
    // A_T after the last task, and after task 1 exactly half of A_1 (the unseen half always fails)
    double finalPooled = run.metrics().get("final.pooled_final_accuracy");
    assertEquals(finalPooled, evalAccuracy("run/model-task-2"), 1e-6);
    double a11 = Double.parseDouble(Files.readAllLines(tmp.resolve("run/matrix.csv")).get(1).split(",")[1]);
    assertEquals(a11 / 2, evalAccuracy("run/model-task-1"), 1e-6);
    Cli.Result export = Cli.run(tmp, "export", "--run", "run/model-task-2", "--out", "lwf.tribuo");
    assertEquals(0, export.exit(), export.err());
    assertTrue(Files.size(tmp.resolve("lwf.tribuo")) > 1000);
  }

  private double evalAccuracy(String model) throws Exception {
    Cli.Result r = Cli.run(tmp, "eval", "--model", model, "--test-data", FMNIST);
    assertEquals(0, r.exit(), r.err());
    String line = r.out().lines().filter(l -> l.startsWith("accuracy=")).findFirst().orElseThrow(() -> new AssertionError(r.out()));
    return Double.parseDouble(line.substring("accuracy=".length()));
  }

  /**
   * Killed with SIGKILL during task 2 of an abd run (after its inversion and at least one epoch),
   * resumed: it continues after the last completed epoch without inverting again, and ends with
   * exactly the matrix of an uninterrupted run (one PyTorch thread: bit-reproducible).
   */
  @Test
  void aRunKilledInsideATaskResumesAtItsLastEpochAndMatchesAnUninterruptedRun() throws Exception {
    String[] common = {"--method", "abd", "--epochs", "3", "--inversion-steps", "30", "--no-tracking"};
    Cli.Result straight = Cli.run(tmp, args("straight", common));
    assertEquals(0, straight.exit(), straight.err());
    Process p = Cli.builder(tmp, e -> true, args("killed", common)).redirectErrorStream(true)
        .redirectOutput(tmp.resolve("killed.log").toFile()).start();
    Path checkpoint = tmp.resolve("killed/task-2.partial/task-2.ckpt");
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(10);
    while (!Files.exists(checkpoint) && p.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(p.isAlive(), "still in task 2 when killed: " + Files.readString(tmp.resolve("killed.log")));
    p.destroyForcibly().waitFor(); // SIGKILL: no shutdown hooks, no cleanup
    assertFalse(Files.exists(tmp.resolve("killed/task-2/teacher.json")), "killed before task 2 completed");
    assertTrue(Files.exists(tmp.resolve("killed/generator-task-2.ckpt")), "the inversion had finished");
    Cli.Result resumed = Cli.run(tmp, args("killed", common[0], common[1], common[2], common[3], common[4], common[5],
        common[6], "--resume"));
    assertEquals(0, resumed.exit(), resumed.err());
    assertTrue(resumed.out().contains("task 1/2 (resumed from its saved model)"), resumed.out());
    assertTrue(resumed.out().contains("task 2: resumed after epoch"), resumed.out());
    assertFalse(resumed.out().contains("task 2 inversion"), "no second inversion: " + resumed.out());
    assertEquals(Files.readString(tmp.resolve("straight/matrix.csv")), Files.readString(tmp.resolve("killed/matrix.csv")));
    assertFalse(Files.exists(tmp.resolve("killed/task-2.partial")), "spent checkpoints are removed");
  }

  /**
   * {@code abd+rgal} puts the rgal plugin's relation terms into the generator's loss and the replay
   * half (spec §7.5): with one thread the runs are deterministic, so a matrix that differs from plain
   * {@code abd}'s shows the terms took part; it still keeps task 1 alive. A method without a
   * generator refuses the extension in one line.
   */
  @Test
  void rgalTermsJoinAnInversionMethodAndAreRefusedWhereThereIsNone() throws Exception {
    String[] common = {"--epochs", "1", "--inversion-steps", "30", "--no-tracking"};
    Cli.Result plain = Cli.run(tmp, args("abd", "--method", "abd", common[0], common[1], common[2], common[3], common[4]));
    assertEquals(0, plain.exit(), plain.err());
    Cli.Result rgal = Cli.run(tmp, args("abd-rgal", "--method", "abd+rgal", common[0], common[1], common[2], common[3], common[4]));
    assertEquals(0, rgal.exit(), rgal.err());
    assertTrue(rgal.out().contains("method abd+rgal"), rgal.out());
    List<String> a = Files.readAllLines(tmp.resolve("abd/matrix.csv"));
    List<String> b = Files.readAllLines(tmp.resolve("abd-rgal/matrix.csv"));
    assertEquals(a.get(1), b.get(1), "task 1 has no replay: identical");
    assertNotEquals(a.get(2), b.get(2), "task 2 trained with the relation terms");
    double old = Double.parseDouble(b.get(2).split(",")[1]);
    assertTrue(old > 0.1, "abd+rgal keeps task 1 alive: " + old);
    Cli.Result bad = Cli.run(tmp, args("ft-rgal", "--method", "ft+rgal", "--no-tracking"));
    assertNotEquals(0, bad.exit());
    assertEquals(1, bad.err().strip().lines().count(), bad.err());
    assertTrue(bad.err().contains("use +rgal with abd or rdfcil"), bad.err());
    assertFalse(Files.exists(tmp.resolve("ft-rgal")));
  }

  /**
   * {@code --inversion fast}: the toolkit's Fast synthesizer, with its preset's terms, inverts
   * M_1 restricted to task 1's classes in place of ABD's generator (spec §7.4). Its replay keeps
   * task 1 clearly alive where fine-tuning keeps exactly none of it; the engine is part of the run's
   * identity; a method that does not invert, or an engine that does not exist, is a one-line error.
   */
  @Test
  void aToolkitSynthesizerAsTheInversionEngineKeepsOldClassesAlive() throws Exception {
    Cli.Result r = Cli.run(tmp, args("abd-fast", "--method", "abd", "--inversion", "fast", "--no-tracking"));
    assertEquals(0, r.exit(), r.err());
    List<String> matrix = Files.readAllLines(tmp.resolve("abd-fast/matrix.csv"));
    double old = Double.parseDouble(matrix.get(2).split(",")[1]);
    assertTrue(old > 0.3, "Fast's replay keeps task 1 (ft keeps 0.00 at this size): " + matrix);
    assertTrue(Files.size(tmp.resolve("abd-fast/replay-task-2.png")) > 1000, "the replay grid of Fast's images");
    assertTrue(Files.readString(tmp.resolve("abd-fast/incremental.json")).contains("\"inversion\": \"fast\""));
    Cli.Result other = Cli.run(tmp, args("abd-fast", "--method", "abd", "--no-tracking", "--resume"));
    assertNotEquals(0, other.exit());
    assertTrue(other.err().contains("different inversion"), other.err());
    String[][] bad = {{"--method", "lwf", "--inversion", "fast"}, {"--method", "abd", "--inversion", "nosuch"},
        {"--method", "abd", "--inversion", "fast+rgal"}};
    String[] expected = {"applies only to a method that inverts", "unknown --inversion 'nosuch'", "takes a base method"};
    for (int i = 0; i < bad.length; i++) {
      Cli.Result b = Cli.run(tmp, args("bad" + i, bad[i][0], bad[i][1], bad[i][2], bad[i][3], "--no-tracking"));
      assertNotEquals(0, b.exit(), String.join(" ", bad[i]));
      assertEquals(1, b.err().strip().lines().count(), b.err());
      assertTrue(b.err().contains(expected[i]), b.err());
      assertFalse(Files.exists(tmp.resolve("bad" + i)), "nothing written for " + String.join(" ", bad[i]));
    }
  }

  /**
   * {@code rgal compare --incremental}: methods × splits × orders as tracked cells (the i-th order
   * with trial seed i), the grid's table with one row per method and split over both orders, the
   * accuracy plot; run again, every cell is skipped. Options of the other kind of grid are refused.
   */
  @Test
  void anIncrementalGridRunsEveryCellOnceAndPrintsItsTable() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("MLFLOW_TRACKING_URI", null);
    String[] grid = {"compare", "--incremental", "5,5", "--methods", "ft,lwf", "--class-orders", "O0,O1", "--epochs", "1",
        "--images-per-task", "1000", "--batch-size", "64", "--test-data", FMNIST, "--out", "grid", "--experiment", "it-grid", "--quiet"};
    Cli.Result r = Cli.runWithEnv(tmp, env, grid);
    assertEquals(0, r.exit(), r.err());
    for (String cell : List.of("ft-5_5-O0", "ft-5_5-O1", "lwf-5_5-O0", "lwf-5_5-O1")) {
      assertTrue(Files.isRegularFile(tmp.resolve("grid/" + cell + "/task-2/teacher.json")), cell + ": " + r.out());
    }
    assertTrue(r.out().contains("| ft [5,5] |") && r.out().contains("| lwf [5,5] |"), r.out());
    assertTrue(Files.size(tmp.resolve("grid/incremental.png")) > 1000);
    List<RunRecord> runs = SqliteTracker.open(tmp.resolve("mlflow.db")).searchRuns("it-grid");
    assertEquals(4, runs.size());
    Set<String> orders = new TreeSet<>();
    for (RunRecord run : runs) {
      assertEquals("FINISHED", run.status());
      orders.add(run.tags().get("incremental.classOrder") + " seed " + run.params().get("seed"));
    }
    assertEquals(Set.of("O0 seed 0", "O1 seed 1"), orders, "the i-th order runs with seed i");
    Cli.Result again = Cli.runWithEnv(tmp, env, grid);
    assertEquals(0, again.exit(), again.err());
    assertTrue(again.out().contains("4 of 4 cells already have a finished run"), again.out());
    assertEquals(4, SqliteTracker.open(tmp.resolve("mlflow.db")).searchRuns("it-grid").size(), "nothing ran twice");
    Cli.Result bad = Cli.run(tmp, "compare", "--incremental", "5,5", "--methods", "ft", "--teacher", "t", "--out", "bad");
    assertNotEquals(0, bad.exit());
    assertEquals(1, bad.err().strip().lines().count(), bad.err());
    assertTrue(bad.err().contains("--teacher do not apply to an incremental grid"), bad.err());
    Cli.Result stray = Cli.run(tmp, "compare", "--methods", "fast", "--class-orders", "O1", "--out", "bad");
    assertNotEquals(0, stray.exit());
    assertTrue(stray.err().contains("--class-orders belong to an incremental grid"), stray.err());
    assertFalse(Files.exists(tmp.resolve("bad")));
  }

  @Test
  void resumeWithADifferentOrderIsRefusedAndLeavesTheRunAlone() throws Exception {
    Cli.Result first = Cli.run(tmp, args("run", "--no-tracking"));
    assertEquals(0, first.exit(), first.err());
    byte[] matrix = Files.readAllBytes(tmp.resolve("run/matrix.csv"));
    Cli.Result r = Cli.run(tmp, args("run", "--no-tracking", "--resume", "--class-order", "O1"));
    assertNotEquals(0, r.exit());
    assertTrue(r.err().contains("different classOrder"), r.err());
    assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
    assertEquals(new String(matrix), Files.readString(tmp.resolve("run/matrix.csv")));
  }

  @Test
  void badSplitsOrdersAndMethodsAreOneLineErrorsThatWriteNothing() throws Exception {
    String[][] cases = {
        {"--tasks", "3,3"}, {"--tasks", "b5-inc2x"}, {"--class-order", "1,1,2,3,4,5,6,7,8,9"},
        {"--class-order", "0,1,2"}, {"--method", "nope"}};
    String[] expected = {"add up to 10", "b5-inc2x", "repeats class 1", "omits class 3", "known:"};
    for (int i = 0; i < cases.length; i++) {
      String out = "bad" + i;
      String[] a = args(out, "--no-tracking");
      for (int k = 0; k < a.length - 1; k++) {
        if (a[k].equals(cases[i][0])) {
          a[k + 1] = cases[i][1];
        }
      }
      if (!List.of(a).contains(cases[i][0])) {
        String[] b = java.util.Arrays.copyOf(a, a.length + 2);
        b[a.length] = cases[i][0];
        b[a.length + 1] = cases[i][1];
        a = b;
      }
      Cli.Result r = Cli.run(tmp, a);
      assertNotEquals(0, r.exit(), String.join(" ", cases[i]));
      assertEquals(1, r.err().strip().lines().count(), String.join(" ", cases[i]) + ": " + r.err());
      assertTrue(r.err().contains(expected[i]), String.join(" ", cases[i]) + ": " + r.err());
      assertFalse(Files.exists(tmp.resolve(out)), "nothing written for " + String.join(" ", cases[i]));
    }
  }
}
