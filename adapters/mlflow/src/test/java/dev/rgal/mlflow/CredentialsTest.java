package dev.rgal.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.rgal.api.tracking.RunStart;
import dev.rgal.api.tracking.RunStatus;
import dev.rgal.api.tracking.RunTracker;
import dev.rgal.api.tracking.TrackedRun;
import dev.rgal.api.tracking.TrackerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;

/** Credentials reach the server's Authorization header and nothing else. */
class CredentialsTest {
  static final String USER = "user-Q7xK2";
  static final String PASS = "pass-Z9vW4";
  static final String TOKEN = "token-M3pL8";
  static Rest rest;
  static MlflowTestServer server;
  @TempDir Path tmp;

  @BeforeAll
  static void server() throws Exception {
    server = MlflowTestServer.shared();
    rest = new Rest(server.uri);
  }

  @Test
  void environmentCredentialsOfAChildJvmAreNeverStored() throws Exception {
    String experiment = "rgal-creds-" + System.nanoTime();
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder pb = new ProcessBuilder(java.toString(), "-cp",
        System.getProperty("java.class.path"), CredentialChildMain.class.getName(), server.uri,
        experiment, tmp.resolve("mlflow.db").toString());
    pb.environment().put("MLFLOW_TRACKING_USERNAME", USER);
    pb.environment().put("MLFLOW_TRACKING_PASSWORD", PASS);
    pb.environment().put("MLFLOW_TRACKING_TOKEN", TOKEN);
    pb.redirectErrorStream(true);
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    String runId = out.lines().filter(l -> l.startsWith("RUN ")).findFirst()
        .orElseThrow(() -> new AssertionError(out)).substring(4).strip();
    assertNoSecret(out, "child output");
    JsonObject run = rest.run(runId);
    assertEquals("child", Rest.keyValues(run, "tags").get("stage"));
    assertStoredDataClean(runId, List.of(USER, PASS, TOKEN), 1);
  }

  @Test
  void injectedHostCredentialsAreNeverStored() throws Exception {
    String user = "injected-U5";
    String pass = "injected-P6";
    List<String> warnings = new ArrayList<>();
    RunTracker tracker = MlflowTrackerFactory.fromEnvironment().withWarnings(warnings::add)
        .withHostCreds(uri -> new BasicMlflowHostCreds(uri, user, pass))
        .create(new TrackerConfig(server.uri, tmp.resolve("mlflow.db"), true));
    Path art = tmp.resolve("notes.txt");
    Files.writeString(art, "plain notes");
    String runId;
    try (TrackedRun run = tracker.start(new RunStart("rgal-creds-" + System.nanoTime(), "inj",
        Map.of()))) {
      runId = run.runId();
      assertFalse(run.location().contains(user) || run.location().contains(pass));
      run.logParams(Map.of("a", "1"));
      run.logArtifact(art, "");
      run.finish(RunStatus.FINISHED);
    }
    assertStoredDataClean(runId, List.of(user, pass), 1);
    assertEquals(List.of(), warnings);
  }

  @Test
  void credentialsInTheUriAreStrippedAndRedacted() {
    MlflowCredentials c = new MlflowCredentials("u-secret", "p-secret", null);
    assertFalse(c.toString().contains("secret"), c.toString());
    var creds = MlflowCredentials.none().provider("http://bob:hunter2@127.0.0.1:5000/")
        .getHostCreds();
    assertEquals("http://127.0.0.1:5000", creds.getHost());
    assertEquals("bob", creds.getUsername());
    assertEquals("hunter2", creds.getPassword());
  }

  private void assertStoredDataClean(String runId, List<String> secrets, int artifacts)
      throws Exception {
    JsonObject run = rest.run(runId);
    assertNoSecret(run.toString(), "run " + runId + " (params, tags, metrics, info)");
    List<String> files = rest.allArtifactFiles(runId);
    assertEquals(artifacts, files.size(), files.toString());
    for (String f : files) {
      assertNoSecret(new String(rest.download(run, f), StandardCharsets.UTF_8), "artifact " + f);
    }
  }

  private static void assertNoSecret(String text, String where) {
    for (String s : List.of(USER, PASS, TOKEN, "injected-U5", "injected-P6")) {
      assertFalse(text.contains(s), where + " contains a credential");
    }
  }
}
