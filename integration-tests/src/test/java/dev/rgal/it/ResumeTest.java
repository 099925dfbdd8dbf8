package dev.rgal.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 in the middle of a run, then --resume: the result equals an uninterrupted run's. */
class ResumeTest {
  @TempDir Path tmp;

  private static String[] args(Path teacher, String out) {
    List<String> a = new ArrayList<>(List.of("distill", "--teacher", teacher.toString(), "--method", "fast",
        "--test-data", "/usr/share/datasets/fashion-mnist", "--seed", "3", "--out", out, "--quiet", "--no-tracking"));
    a.addAll(List.of(TinyTeacher.tiny(4)));
    return a.toArray(String[]::new);
  }

  private static int completedEpochs(Path run) {
    try {
      Path state = run.resolve("checkpoint/state.json");
      return Files.exists(state) ? JsonParser.parseString(Files.readString(state)).getAsJsonObject().get("completedEpochs").getAsInt() : 0;
    } catch (Exception e) {
      return 0; // being replaced right now
    }
  }

  private static JsonObject summary(Path run) throws Exception {
    return JsonParser.parseString(Files.readString(run.resolve("summary.json"))).getAsJsonObject();
  }

  @Test
  void resumedRunEqualsUninterruptedRun() throws Exception {
    Path teacher = TinyTeacher.get();
    Cli.Result straight = Cli.run(tmp, args(teacher, "straight"));
    assertEquals(0, straight.exit(), straight.err());

    Process p = Cli.builder(tmp, e -> true, args(teacher, "killed")).redirectErrorStream(true)
        .redirectOutput(tmp.resolve("killed.log").toFile()).start();
    Path run = tmp.resolve("killed");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (completedEpochs(run) < 2 && p.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(p.isAlive(), "the run must still be going when it is killed: " + Files.readString(tmp.resolve("killed.log")));
    p.destroyForcibly().waitFor(); // SIGKILL: no shutdown hooks, no cleanup
    int done = completedEpochs(run);
    assertTrue(done >= 2 && done < 4, "killed after " + done + " epochs");

    Cli.Result resumed = Cli.run(tmp, "distill", "--resume", "killed", "--teacher", teacher.toString(),
        "--test-data", "/usr/share/datasets/fashion-mnist", "--quiet", "--no-tracking");
    assertEquals(0, resumed.exit(), resumed.err());
    System.out.println("killed after " + done + " epochs; straight history: "
        + Files.readString(tmp.resolve("straight/checkpoint/state.json")).replaceAll("\\s+", " "));
    System.out.println("resumed history: " + Files.readString(run.resolve("checkpoint/state.json")).replaceAll("\\s+", " "));
    JsonObject a = summary(tmp.resolve("straight"));
    JsonObject b = summary(run);
    assertEquals(a.get("lastAccuracy").getAsDouble(), b.get("lastAccuracy").getAsDouble(), 0.0);
    assertEquals(a.get("bestAccuracy").getAsDouble(), b.get("bestAccuracy").getAsDouble(), 0.0);
    assertEquals(a.get("imagesSynthesized").getAsInt(), b.get("imagesSynthesized").getAsInt());
  }
}
