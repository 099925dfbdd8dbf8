package dev.rgal.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A real MLflow server for tests: the one named by {@code MLFLOW_TRACKING_URI}, or one started
 * with {@code scripts/mlflow-server.sh} (and stopped when the JVM exits).
 */
final class MlflowTestServer {
  private static @Nullable MlflowTestServer shared;

  final String uri;
  private final @Nullable Path stateDir;
  private final int port;

  private MlflowTestServer(String uri, @Nullable Path stateDir, int port) {
    this.uri = uri;
    this.stateDir = stateDir;
    this.port = port;
  }

  /** The server all ordinary tests share. */
  static synchronized MlflowTestServer shared() throws Exception {
    if (shared == null) {
      String env = System.getenv("MLFLOW_TRACKING_URI");
      if (env != null && !env.isBlank()) {
        shared = new MlflowTestServer(MlflowCredentials.stripUserInfo(env), null, -1);
      } else {
        Path dir = Paths.get("target", "mlflow-test-server").toAbsolutePath();
        MlflowTestServer s = new MlflowTestServer("", dir, freePort());
        String uri = s.script("start");
        shared = new MlflowTestServer(uri, dir, s.port);
        MlflowTestServer started = shared;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try {
            started.script("stop");
          } catch (Exception e) {
            // best effort at exit
          }
        }));
      }
    }
    return shared;
  }

  /** A server of its own (own state dir and port), for tests that stop and restart it. */
  static MlflowTestServer startPrivate(Path stateDir) throws Exception {
    MlflowTestServer s = new MlflowTestServer("", stateDir, freePort());
    String uri = s.script("start");
    return new MlflowTestServer(uri, stateDir, s.port);
  }

  void stop() throws Exception {
    script("stop");
  }

  void restart() throws Exception {
    assertEquals(uri, script("start"));
  }

  /** Freezes (SIGSTOP) or thaws (SIGCONT) the server's process group: a stalled server. */
  void signal(String sig) throws Exception {
    if (stateDir == null) {
      throw new IllegalStateException("server " + uri + " is not ours to signal");
    }
    String pgid = Files.readString(stateDir.resolve("server.pid")).strip();
    Process p = new ProcessBuilder("kill", "-" + sig, "--", "-" + pgid).inheritIO().start();
    assertTrue(p.waitFor(10, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), "kill -" + sig + " -" + pgid);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Runs the script; for start, returns the URI it printed. */
  private String script(String command) throws Exception {
    if (stateDir == null) {
      throw new IllegalStateException("server " + uri + " is not ours to " + command);
    }
    ProcessBuilder pb = new ProcessBuilder("bash", scriptPath().toString(), command);
    pb.environment().put("RGAL_MLFLOW_DIR", stateDir.toString());
    pb.environment().put("RGAL_MLFLOW_PORT", Integer.toString(port));
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "mlflow-server.sh " + command + " timed out");
    assertEquals(0, p.exitValue(), "mlflow-server.sh " + command + " failed: " + out);
    if (!command.equals("start")) {
      return "";
    }
    List<String> lines = out.lines().filter(l -> l.startsWith("MLFLOW_TRACKING_URI=")).toList();
    assertEquals(1, lines.size(), out);
    return lines.get(0).substring("MLFLOW_TRACKING_URI=".length());
  }

  static Path scriptPath() {
    String root = System.getProperty("rgal.repo.root");
    if (root != null && Files.isRegularFile(Paths.get(root, "scripts/mlflow-server.sh"))) {
      return Paths.get(root, "scripts/mlflow-server.sh");
    }
    for (Path d = Paths.get("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("scripts/mlflow-server.sh"))) {
        return d.resolve("scripts/mlflow-server.sh");
      }
    }
    throw new IllegalStateException("scripts/mlflow-server.sh not found above "
        + Paths.get("").toAbsolutePath());
  }
}
