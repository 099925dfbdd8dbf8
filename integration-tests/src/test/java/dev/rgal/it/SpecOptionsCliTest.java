package dev.rgal.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Declared options at the command line: typos fail with a suggestion, real options change the run. */
class SpecOptionsCliTest {
  @TempDir Path tmp;

  @Test
  void aMistypedSynthesizerOptionFailsWithTheSuggestionAndWritesNothing() throws Exception {
    Cli.Result r = Cli.run(tmp, "distill", "--teacher", "t", "--method", "fast", "--out", "run", "--tracking-uri", tmp.resolve("mlruns").toUri().toString(),
        "--set", "synthesizer.settings.gStep=5");
    assertEquals(1, r.exit(), r.err());
    List<String> lines = r.err().lines().filter(l -> l.startsWith("rgal: ")).toList();
    assertEquals(1, lines.size(), r.err());
    assertTrue(lines.get(0).contains("synthesizer 'fast' has no option 'gStep' (did you mean gSteps?)"), lines.get(0));
    assertFalse(r.err().contains("\tat "), r.err());
    assertFalse(Files.exists(tmp.resolve("run")), "no run directory");
    assertFalse(Files.exists(tmp.resolve("mlruns")), "no tracked run");
  }

  @Test
  void gStepsChangesWhatRunsAndTheLoggedParamsShowIt() throws Exception {
    Path teacher = TinyTeacher.get();
    List<byte[]> pools = new ArrayList<>();
    for (String g : List.of("1", "2")) {
      List<String> args = new ArrayList<>(List.of("distill", "--deterministic", "--quiet", "--teacher", teacher.toString(),
          "--method", "fast", "--out", "run" + g, "--tracking-uri", tmp.resolve("mlruns" + g).toUri().toString()));
      args.addAll(List.of(TinyTeacher.tiny(1)));
      args.addAll(List.of("--set", "synthesizer.settings.gSteps=" + g));
      Cli.Result r = Cli.run(tmp, args.toArray(String[]::new));
      assertEquals(0, r.exit(), r.err());
      JsonObject spec = JsonParser.parseString(Files.readString(tmp.resolve("run" + g + "/spec.json"))).getAsJsonObject();
      assertEquals(g, spec.getAsJsonObject("synthesizer").getAsJsonObject("settings").get("gSteps").getAsString());
      assertEquals(g, param(tmp.resolve("mlruns" + g), "synthesizer.settings.gSteps"));
      // the trainer's options are logged where they are set, defaults included
      assertEquals("64", param(tmp.resolve("mlruns" + g), "trainer.settings.batchSize"));
      assertEquals("20", param(tmp.resolve("mlruns" + g), "trainer.settings.temperature"));
      pools.add(Files.readAllBytes(tmp.resolve("run" + g + "/pool.bin")));
    }
    assertNotEquals(List.of(pools.get(0).length, java.util.Arrays.hashCode(pools.get(0))),
        List.of(pools.get(1).length, java.util.Arrays.hashCode(pools.get(1))), "different images synthesised");
  }

  @Test
  void theRgalTrainersOwnTermsAreInThePrintedSpec() throws Exception {
    Cli.Result r = Cli.run(tmp, "distill", "--teacher", "t", "--out", "run", "--method", "fast",
        "--set", "trainer.name=rgal", "--print-spec");
    assertEquals(0, r.exit(), r.err());
    JsonObject spec = JsonParser.parseString(r.out()).getAsJsonObject();
    List<String> terms = new ArrayList<>();
    spec.getAsJsonArray("studentTerms").forEach(t -> terms.add(t.getAsJsonObject().get("name").getAsString()
        + "=" + t.getAsJsonObject().get("weight").getAsDouble()));
    assertEquals(List.of("rgal-relation=0.1", "rgal-cd=0.1"), terms);
  }

  @Test
  void pluginsPrintsAComponentsDeclaredOptions() throws Exception {
    Cli.Result r = Cli.run(tmp, "plugins", "--options", "fast");
    assertEquals(0, r.exit(), r.err());
    String gSteps = r.out().lines().filter(l -> l.trim().startsWith("gSteps")).findFirst().orElse("");
    assertTrue(gSteps.contains("integer ≥ 1") && gSteps.contains("default 5") && gSteps.contains("inner adaptation steps"), r.out());
    assertTrue(r.out().contains("--set synthesizer.settings.NAME=VALUE"), r.out());
    Cli.Result kd = Cli.run(tmp, "plugins", "--options", "kd");
    assertTrue(kd.out().lines().anyMatch(l -> l.trim().startsWith("temperature") && l.contains("default 20")), kd.out());
    Cli.Result bad = Cli.run(tmp, "plugins", "--options", "fsat");
    assertEquals(1, bad.exit());
    assertTrue(bad.err().contains("no component is named 'fsat' (did you mean fast?)"), bad.err());
  }

  /** A param of the only run in a local MLflow file store. */
  private static String param(Path store, String key) throws Exception {
    try (Stream<Path> s = Files.walk(store)) {
      Path p = s.filter(f -> f.getFileName().toString().equals(key) && f.getParent().getFileName().toString().equals("params"))
          .findFirst().orElseThrow(() -> new AssertionError("no param " + key + " under " + store));
      return Files.readString(p).trim();
    }
  }
}
