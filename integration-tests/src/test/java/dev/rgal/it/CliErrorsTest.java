package dev.rgal.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input at the command line: one line naming problem and fix, exit 1, no stack trace, nothing half-written. */
class CliErrorsTest {
  @TempDir Path tmp;

  private static void assertOneLineError(Cli.Result r, String... fragments) {
    assertEquals(1, r.exit(), r.err());
    String errors = r.err().lines().filter(l -> l.startsWith("rgal: ")).reduce("", (a, b) -> a + b);
    for (String f : fragments) {
      assertTrue(errors.contains(f), "expected '" + f + "' in: " + r.err());
    }
    assertFalse(r.err().contains("\tat "), "no stack trace without --verbose: " + r.err());
    assertEquals(1, r.err().lines().filter(l -> l.startsWith("rgal: ")).count(), r.err());
  }

  @Test
  void unknownArchitectureListsKnownOnes() throws Exception {
    Cli.Result r = Cli.run(tmp, "teacher", "--arch", "lenet9", "--epochs", "1", "--out", "t", "--no-tracking");
    assertOneLineError(r, "unknown architecture 'lenet9'", "lenet5-bn", "resnet18");
    assertFalse(Files.exists(tmp.resolve("t")));
  }

  @Test
  void missingDatasetSaysHowToInstallIt() throws Exception {
    Cli.Result r = Cli.run(tmp, "teacher", "--data-dir", tmp.resolve("nowhere").toString(), "--epochs", "1", "--out", "t", "--no-tracking");
    assertOneLineError(r, "apt-get install dataset-fashion-mnist", "--data-dir");
    assertFalse(Files.exists(tmp.resolve("t")));
  }

  @Test
  void corruptIdxFilesAreNamed() throws Exception {
    Path d = Files.createDirectories(tmp.resolve("data"));
    for (String f : new String[] {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}) {
      try (GZIPOutputStream o = new GZIPOutputStream(Files.newOutputStream(d.resolve(f)))) {
        o.write(new byte[] {0, 0, 8, 3, 0, 0, 0, 5}); // header announces 5 images, then ends
      }
    }
    Cli.Result r = Cli.run(tmp, "teacher", "--data-dir", d.toString(), "--epochs", "1", "--out", "t", "--no-tracking");
    assertOneLineError(r, "train-images-idx3-ubyte.gz");
    assertFalse(Files.exists(tmp.resolve("t")));
  }

  @Test
  void wrongTeacherDirectoryAndUnknownMethod() throws Exception {
    Cli.Result r = Cli.run(tmp, "distill", "--teacher", "nope", "--method", "fast", "--out", "run", "--no-tracking");
    assertOneLineError(r, "teacher directory nope does not exist");
    r = Cli.run(tmp, "distill", "--teacher", "nope", "--method", "telepathy", "--out", "run", "--no-tracking");
    assertOneLineError(r, "no plugin provides component 'telepathy' (a method)", "fast", "rgal");
  }

  @Test
  void badInputsAreRefusedBeforeATrackedRunOpens() throws Exception {
    // tracking on, to the embedded store in the working directory: a refused run must leave no
    // FAILED run (and no store, no run directory) behind
    Path teacher = TinyTeacher.get();
    String[][] cases = {
        {"distill", "--teacher", "missing-teacher", "--method", "fast", "--out", "run"},
        {"distill", "--teacher", teacher.toString(), "--method", "fast", "--out", "run",
            "--test-data", tmp.resolve("no-data").toString()},
        {"distill", "--teacher", teacher.toString(), "--method", "fast", "--out", "run", "--student", "lenet9"},
        {"distill", "--teacher", teacher.toString(), "--resume", tmp.resolve("not-a-run").toString()},
    };
    String[] expected = {"teacher directory missing-teacher does not exist", "Fashion-MNIST not found at",
        "'lenet9'", "not-a-run"};
    Files.createDirectories(tmp.resolve("not-a-run"));
    for (int i = 0; i < cases.length; i++) {
      ProcessBuilder pb = Cli.builder(tmp, e -> true, cases[i]);
      pb.environment().remove("MLFLOW_TRACKING_URI");
      Path err = tmp.resolve("err-" + i + ".txt");
      Process p = pb.redirectError(err.toFile()).redirectOutput(tmp.resolve("out-" + i + ".txt").toFile()).start();
      assertTrue(p.waitFor(5, java.util.concurrent.TimeUnit.MINUTES));
      assertOneLineError(new Cli.Result(p.exitValue(), "", Files.readString(err)), expected[i]);
      assertFalse(Files.exists(tmp.resolve("run")), "case " + i + " created the run directory");
      assertFalse(Files.exists(tmp.resolve("mlruns")) || Files.exists(tmp.resolve("mlflow.db")),
          "case " + i + " opened a tracked run: " + String.join(" ", cases[i]));
    }
  }

  @Test
  void verboseShowsTheStackTrace() throws IOException, InterruptedException {
    Cli.Result r = Cli.run(tmp, "teacher", "--arch", "lenet9", "--epochs", "1", "--out", "t", "--no-tracking", "--verbose");
    assertEquals(1, r.exit());
    assertTrue(r.err().contains("\tat "), r.err());
  }

  @Test
  void helpAndPlugins() throws Exception {
    Cli.Result r = Cli.run(tmp, "--help");
    assertEquals(0, r.exit());
    assertTrue(r.out().contains("distill") && r.out().contains("teacher") && r.out().contains("plugins"), r.out());
    r = Cli.run(tmp, "plugins");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("rgal") && r.out().contains("extensions:") && r.out().contains("fast"), r.out());
  }

  @Test
  void resumeOfADirectoryThatIsNotARunDirectory() throws Exception {
    Path plain = Files.createDirectories(tmp.resolve("plain"));
    Files.writeString(plain.resolve("notes.txt"), "mine");
    Cli.Result r = Cli.runWithEnv(tmp, envWithoutServer(), "distill", "--resume", "plain", "--teacher", "nope");
    assertOneLineError(r, "plain is not a run directory", "--out directory of an earlier 'rgal distill'");
    try (var files = Files.list(plain)) {
      assertEquals(java.util.List.of(plain.resolve("notes.txt")), files.toList());
    }
    assertFalse(Files.exists(tmp.resolve("mlflow.db")), "no tracked run for a refused resume");
  }

  @Test
  void mlflowDatabaseAtAnUnknownSchemaRevisionIsNotWritten() throws Exception {
    Path db = tmp.resolve("mlflow.db");
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db); var st = c.createStatement()) {
      st.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)");
      st.execute("INSERT INTO alembic_version VALUES ('ffffffffffff')");
    }
    byte[] before = Files.readAllBytes(db);
    Cli.Result r = Cli.runWithEnv(tmp, envWithoutServer(), "distill", "--teacher", TinyTeacher.get().toString(),
        "--method", "fast", "--out", "run");
    assertOneLineError(r, "schema revision ffffffffffff", "mlflow db upgrade", "--tracking-uri");
    assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(db)), "the database is untouched");
    assertFalse(Files.exists(tmp.resolve("run")));
    assertFalse(Files.exists(tmp.resolve("mlruns")));
  }

  private static java.util.Map<String, String> envWithoutServer() {
    java.util.Map<String, String> env = new java.util.HashMap<>();
    env.put("MLFLOW_TRACKING_URI", null);
    return env;
  }
}
