package dev.rgal.kernel.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a script with the Python that has the pinned MLflow (scripts/test exports it as
 * {@code RGAL_PYTHON}; default: the venv scripts/mlflow-server.sh creates).
 */
final class PythonMlflow {
  static final String VERSION = "3.17.2";

  private PythonMlflow() {}

  static Path python() {
    String py = System.getenv().getOrDefault("RGAL_PYTHON", Paths.get(System.getProperty("user.home"),
        ".cache/rgal/venv-mlflow-" + VERSION + "/bin/python").toString());
    assertTrue(Files.isExecutable(Paths.get(py)), "Python with mlflow " + VERSION + " not found at " + py
        + "; run scripts/mlflow-server.sh start (creates the venv) or set RGAL_PYTHON");
    return Paths.get(py);
  }

  /**
   * Runs {@code script} (which prints one line {@code RESULT <json>}) in {@code workDir} with
   * {@code MLFLOW_*} variables of this JVM removed and {@code env} added.
   */
  static JsonObject run(Path workDir, Map<String, String> env, String script, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(python().toString(), "-c", script));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("MLFLOW_"));
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] bytes = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(180, TimeUnit.SECONDS));
    String text = new String(bytes, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), text);
    String line = text.lines().filter(l -> l.startsWith("RESULT ")).findFirst()
        .orElseThrow(() -> new AssertionError("no RESULT line in:\n" + text));
    return JsonParser.parseString(line.substring("RESULT ".length())).getAsJsonObject();
  }
}
