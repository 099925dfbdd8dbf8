package dev.rgal.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rgal quantize} and {@code rgal eval} as a user runs them, on the test kit's real small
 * LeNet-5-BN teacher and the real Fashion-MNIST test split: PTQ, QAT-KD, the deployable model
 * file, resume after kill -9, and bad input.
 */
class QuantizeCliTest {
  private static final String FMNIST = "/usr/share/datasets/fashion-mnist";
  @TempDir Path tmp;

  private static JsonObject task(Path run) throws Exception {
    return JsonParser.parseString(Files.readString(run.resolve("summary.json"))).getAsJsonObject().getAsJsonObject("task");
  }

  private static double evalAccuracy(Path workDir, Path model) throws Exception {
    Cli.Result r = Cli.run(workDir, "eval", "--model", model.toString(), "--test-data", FMNIST);
    assertEquals(0, r.exit(), r.err());
    String line = r.out().lines().filter(l -> l.startsWith("accuracy=")).findFirst().orElseThrow(() -> new AssertionError(r.out()));
    return Double.parseDouble(line.substring("accuracy=".length()));
  }

  @Test
  void ptqOnNoiseWritesAModelThatEvalReproduces() throws Exception {
    Path teacher = TinyTeacher.get();
    byte[] teacherWeights = Files.readAllBytes(teacher.resolve("weights.params"));
    Cli.Result r = Cli.run(tmp, "quantize", "--teacher", teacher.toString(), "--bits", "w4a4", "--mode", "ptq",
        "--data", "noise", "--test-data", FMNIST, "--out", "ptq", "--quiet", "--no-tracking");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("PTQ"), r.out());
    Path run = tmp.resolve("ptq");
    JsonObject t = task(run);
    double ptq = t.get("quant.ptq_accuracy").getAsDouble();
    assertEquals("quantize", t.get("name").getAsString());
    assertTrue(ptq > 0.3, "W4A4 PTQ of a ~70% teacher stays far above chance: " + ptq);
    assertEquals(ptq, t.get("quant.model_accuracy").getAsDouble(), 0.0, "the reloaded file predicts what the run measured");
    assertEquals(ptq, evalAccuracy(tmp, run.resolve("quantized.rgq")), 0.0);
    // the quantized model as a Tribuo Model<Label>: the whole network travels inside it, and Tribuo's
    // evaluation of it on the real test split gives the accuracy the run reported
    Cli.Result export = Cli.run(tmp, "export", "--run", run.resolve("quantized.rgq").toString(), "--out", "q.tribuo");
    assertEquals(0, export.exit(), export.err());
    assertTrue(export.out().contains("exported quantized lenet5-bn"), export.out());
    try (dev.rgal.tribuo.DfkdTribuoModel m = dev.rgal.tribuo.DfkdTribuoModel.load(tmp.resolve("q.tribuo"))) {
      assertEquals("rgq", m.netFormat());
      double tribuo = dev.rgal.tribuo.TribuoEvaluation.evaluate(m,
          dev.rgal.toolkit.data.Datasets.open("fashion-mnist", null, dev.rgal.toolkit.data.Datasets.Split.TEST))
          .evaluation().accuracy();
      assertEquals(ptq, tribuo, 1e-9, "Tribuo's evaluation of the exported quantized model");
    }
    // calibration only: exactly one synthesis call of the 256 calibration images, no fine-tuning
    assertEquals(256, JsonParser.parseString(Files.readString(run.resolve("summary.json"))).getAsJsonObject()
        .get("imagesSynthesized").getAsInt());
    assertEquals(5, Files.readAllLines(run.resolve("calibration.csv")).size(), "a header and LeNet-5's four ReLU sites");
    assertArrayEquals(teacherWeights, Files.readAllBytes(teacher.resolve("weights.params")), "the teacher is never written");
  }

  /** Row R1: no image at all; the conv ReLUs take their ranges from their BNs, fc.1's ReLU a fixed one. */
  @Test
  void ptqWithoutDataTakesRangesFromBatchNorm() throws Exception {
    Path teacher = TinyTeacher.get();
    Cli.Result r = Cli.run(tmp, "quantize", "--teacher", teacher.toString(), "--bits", "w4a4", "--data", "none",
        "--set", "task.settings.fixedRange=6", "--test-data", FMNIST, "--out", "r1", "--quiet", "--no-tracking");
    assertEquals(0, r.exit(), r.err());
    Path run = tmp.resolve("r1");
    JsonObject summary = JsonParser.parseString(Files.readString(run.resolve("summary.json"))).getAsJsonObject();
    assertEquals(0, summary.get("imagesSynthesized").getAsInt(), "no data source: not one image");
    JsonObject t = task(run);
    double ptq = t.get("quant.ptq_accuracy").getAsDouble();
    assertTrue(ptq > 0.3, "W4A4 from BN ranges stays far above chance: " + ptq);
    assertEquals(ptq, t.get("quant.model_accuracy").getAsDouble(), 0.0);
    assertEquals(ptq, evalAccuracy(tmp, run.resolve("quantized.rgq")), 0.0);
    List<String> rows = Files.readAllLines(run.resolve("calibration.csv"));
    assertEquals(3, rows.stream().filter(l -> l.contains(",bn,")).count(), String.join("\n", rows));
    assertTrue(rows.stream().anyMatch(l -> l.startsWith("fc.1,4,fixed,0,0.00000000,6.00000000")), String.join("\n", rows));
  }

  private static List<String> qat(Path teacher, String out) {
    List<String> a = new ArrayList<>(List.of("quantize", "--teacher", teacher.toString(), "--bits", "w3a3",
        "--data", "real", "--train-data", FMNIST, "--seed", "1", "--test-data", FMNIST, "--out", out, "--quiet", "--no-tracking"));
    a.addAll(Arrays.asList(TinyTeacher.tinySchedule(4)));
    // CE on the real labels the pool stores: the resume below must reload them from the pool file
    a.addAll(List.of("--set", "trainer.settings.lr=1e-3", "--set", "trainer.settings.crossEntropyWeight=1"));
    return a;
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
  void qatRaisesW3A3AboveItsPtqAndResumesExactlyAfterKill() throws Exception {
    Path teacher = TinyTeacher.get();
    Cli.Result straight = Cli.run(tmp, qat(teacher, "straight").toArray(String[]::new));
    assertEquals(0, straight.exit(), straight.err());
    JsonObject summary = JsonParser.parseString(Files.readString(tmp.resolve("straight/summary.json"))).getAsJsonObject();
    double ptq = summary.getAsJsonObject("task").get("quant.ptq_accuracy").getAsDouble();
    double last = summary.get("lastAccuracy").getAsDouble();
    System.out.println("W3A3 on real images: PTQ " + ptq + ", QAT-KD last " + last);
    assertTrue(last > ptq + 0.005, "QAT-KD must move W3A3 accuracy up from PTQ: " + ptq + " -> " + last);
    assertEquals(last, summary.getAsJsonObject("task").get("quant.model_accuracy").getAsDouble(), 0.0);
    assertEquals(last, evalAccuracy(tmp, tmp.resolve("straight/quantized.rgq")), 0.0);

    Process p = Cli.builder(tmp, e -> true, qat(teacher, "killed").toArray(String[]::new)).redirectErrorStream(true)
        .redirectOutput(tmp.resolve("killed.log").toFile()).start();
    Path run = tmp.resolve("killed");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (completedEpochs(run) < 2 && p.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(p.isAlive(), "the run must still be going when it is killed: " + Files.readString(tmp.resolve("killed.log")));
    p.destroyForcibly().waitFor(); // SIGKILL
    int done = completedEpochs(run);
    assertTrue(done >= 2 && done < 4, "killed after " + done + " epochs");
    assertFalse(Files.exists(run.resolve("quantized.rgq")), "no model file before the run finishes");
    Cli.Result resumed = Cli.run(tmp, "quantize", "--resume", "killed", "--teacher", teacher.toString(),
        "--test-data", FMNIST, "--quiet", "--no-tracking");
    assertEquals(0, resumed.exit(), resumed.err());
    JsonObject again = JsonParser.parseString(Files.readString(run.resolve("summary.json"))).getAsJsonObject();
    assertEquals(last, again.get("lastAccuracy").getAsDouble(), 0.0);
    assertEquals(ptq, again.getAsJsonObject("task").get("quant.ptq_accuracy").getAsDouble(), 0.0);
  }

  private static void assertOneLineError(Cli.Result r, Path mustNotExist, String... fragments) {
    assertEquals(1, r.exit(), r.out() + r.err());
    List<String> lines = r.err().lines().filter(l -> l.startsWith("rgal: ")).toList();
    assertEquals(1, lines.size(), r.err());
    for (String f : fragments) {
      assertTrue(lines.get(0).contains(f), "expected '" + f + "' in: " + r.err());
    }
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    if (mustNotExist != null) {
      assertFalse(Files.exists(mustNotExist), mustNotExist + " must not be created");
    }
  }

  private Cli.Result quantize(String... extra) throws Exception {
    List<String> a = new ArrayList<>(List.of("quantize", "--teacher", TinyTeacher.get().toString(), "--out", "bad",
        "--test-data", FMNIST, "--quiet", "--no-tracking"));
    a.addAll(Arrays.asList(extra));
    return Cli.run(tmp, a.toArray(String[]::new));
  }

  @Test
  void badQuantizeInputIsOneLineAndWritesNothing() throws Exception {
    Path bad = tmp.resolve("bad");
    assertOneLineError(quantize("--data", "noise", "--bits", "w9a4"), bad, "bit width 9", "2 to 8");
    assertOneLineError(quantize("--data", "noise", "--bits", "4bit"), bad, "'4bit'", "wNaM");
    assertOneLineError(quantize("--data", "noise", "--policy", "ends-4"), bad, "ends-4", "all-k", "ends-8");
    assertOneLineError(quantize("--data", "telepathy"), bad, "telepathy");
    assertOneLineError(quantize("--data", "none"), bad, "--data none", "fc.1", "no BatchNorm", "w4a32", "fixedRange");
    assertOneLineError(quantize("--data", "none", "--mode", "qat"), bad, "--data none", "--mode ptq");
    assertOneLineError(quantize("--data", "noise", "--set", "task.settings.fixedRange=4"), bad, "fixedRange", "ranges=bn");
    assertOneLineError(quantize("--data", "real"), bad, "--train-data");
    assertOneLineError(quantize("--data", "noise", "--set", "task.settings.bitz=w4a4"), bad, "bitz", "did you mean bits");
    assertOneLineError(quantize("--data", "noise", "--mode", "ptq", "--epochs", "3"), bad, "--mode ptq");
  }

  @Test
  void evalRefusesACorruptFileAndAnotherArchitecture() throws Exception {
    Cli.Result r = Cli.run(tmp, "quantize", "--teacher", TinyTeacher.get().toString(), "--mode", "ptq", "--data", "noise",
        "--out", "m", "--quiet", "--no-tracking");
    assertEquals(0, r.exit(), r.err());
    Path model = tmp.resolve("m/quantized.rgq");
    assertOneLineError(Cli.run(tmp, "eval", "--model", model.toString(), "--arch", "lenet5", "--test-data", FMNIST), null,
        "lenet5-bn", "lenet5");
    byte[] bytes = Files.readAllBytes(model);
    bytes[bytes.length / 2] ^= 0x5A;
    Path corrupt = tmp.resolve("corrupt.rgq");
    Files.write(corrupt, bytes);
    assertOneLineError(Cli.run(tmp, "eval", "--model", corrupt.toString(), "--test-data", FMNIST), null, "corrupt");
    assertOneLineError(Cli.run(tmp, "eval", "--model", tmp.resolve("nothing.rgq").toString(), "--test-data", FMNIST), null,
        "no such file");
    // a held-out tail of the training split (what a 'real' source with holdOut=N never reads)
    Cli.Result tail = Cli.run(tmp, "eval", "--model", model.toString(), "--test-data", FMNIST, "--split", "train", "--last", "2000");
    assertEquals(0, tail.exit(), tail.err());
    assertTrue(tail.out().contains("on 2000 train images"), tail.out());
    double heldOut = Double.parseDouble(tail.out().lines().filter(l -> l.startsWith("accuracy=")).findFirst().orElseThrow().substring(9));
    assertTrue(heldOut > 0.3, "the W4A4 model classifies held-out training images far above chance: " + heldOut);
    assertOneLineError(Cli.run(tmp, "eval", "--model", model.toString(), "--test-data", FMNIST, "--split", "train", "--last", "0"),
        null, "--last 0", "60000");
  }
}
