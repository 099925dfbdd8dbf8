package dev.rgal.kernel.run;

import dev.rgal.toolkit.platform.ProcessMemory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rgal.api.DfkdException;
import dev.rgal.api.RunSpec;
import dev.rgal.toolkit.loss.NonFiniteLossException;
import dev.rgal.kernel.plugin.PluginHost;
import dev.rgal.toolkit.progress.Progress;
import dev.rgal.toolkit.teacher.TestTeachers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End-to-end runs of the epoch loop with a per-call generator on a real (small) teacher. */
class DistillerTest {
  static PluginHost host;
  @TempDir Path tmp;
  static final Path TEST_DATA = Path.of("/usr/share/datasets/fashion-mnist");

  @BeforeAll
  static void start() {
    host = PluginHost.discover();
  }

  @AfterAll
  static void stop() {
    host.close();
  }

  private DistillResult run(RunSpec spec, Path out, List<EpochReport> seen) {
    return new Distiller(host, Progress.silent())
        .run(new DistillRequest(TestTeachers.lenet5bn(), spec, TEST_DATA, out, false, null), seen::add);
  }

  @Test
  void studentLearnsFromSynthesisedImagesAloneAndRunsAreReproducible() throws Exception {
    RunSpec spec = new MethodResolver(host).resolve("test", null, Map.of());
    List<EpochReport> seen = new ArrayList<>();
    DistillResult a = run(spec, tmp.resolve("a"), seen);
    assertEquals(3, seen.size());
    assertEquals(128 * 4, a.imagesSynthesized(), "one warm-up call and one call per epoch");
    assertTrue(a.lastAccuracy() > 0.25, "student accuracy on real test images " + a.lastAccuracy());
    assertTrue(seen.get(2).losses().get("kd") < seen.get(0).losses().get("kd"), "KD loss decreases");
    assertTrue(Files.isRegularFile(a.studentWeights()));
    assertTrue(Files.isRegularFile(tmp.resolve("a/samples/epoch-002.png")));
    assertTrue(Files.isRegularFile(tmp.resolve("a/summary.json")));
    DistillResult b = run(spec, tmp.resolve("b"), new ArrayList<>());
    assertEquals(a.lastAccuracy(), b.lastAccuracy(), 0.0, "same seed, same metrics");
    assertEquals(a.history().get(1).losses(), b.history().get(1).losses());
  }

  @Test
  void aNanTermStopsTheRunNamingItAndKeepsTheLastGoodCheckpoint() {
    RunSpec spec = new MethodResolver(host).resolve("test", null,
        Map.of("synthesisTerms.test-nan.weight", "1", "synthesisTerms.test-nan.settings.fromCall", "3"));
    Path out = tmp.resolve("nan");
    NonFiniteLossException e = assertThrows(NonFiniteLossException.class, () -> run(spec, out, new ArrayList<>()));
    assertTrue(e.getMessage().contains("'test-nan'"), e.getMessage());
    // calls 1 (warm-up) and 2 (epoch 0) were fine: epoch 0 is checkpointed
    assertEquals(1, Checkpoint.read(out).completedEpochs());
  }

  @Test
  void processMemoryStaysFlatOverFiftyEpochs() {
    // tiny epochs, so the loop (synthesis, pool, KD, evaluation, checkpoint, sample grid) dominates
    RunSpec spec = new MethodResolver(host).resolve("test", null, Map.of("schedule.epochs", "50",
        "schedule.kdStepsPerEpoch", "4", "trainer.settings.batchSize", "32", "schedule.synthesisBatchSize", "32",
        "synthesizer.settings.gSteps", "2"));
    Path test = SmallTestSet.write(tmp.resolve("test-data"), 500);
    List<Long> rss = new ArrayList<>();
    new Distiller(host, Progress.silent()).run(new DistillRequest(TestTeachers.lenet5bn(), spec, test,
        tmp.resolve("mem"), false, null), e -> {
          // collect Java garbage first (direct buffers of batches are freed by the GC): what is
          // left growing is native memory that no manager released
          System.gc();
          System.gc();
          rss.add(dev.rgal.toolkit.platform.ProcessMemory.rssBytes());
        });
    assertEquals(50, rss.size());
    long at5 = rss.get(4);
    long last = rss.get(49);
    System.out.printf("RSS epoch 5: %d MiB, epoch 50: %d MiB%n", at5 >> 20, last >> 20);
    assertTrue(last <= at5 * 1.10, "RSS grew from " + (at5 >> 20) + " MiB at epoch 5 to " + (last >> 20) + " MiB at epoch 50");
  }

  @Test
  void componentsTagTheRunAndTheKernelAddsNoMethodTagOfItsOwn() throws Exception {
    RunSpec spec = new MethodResolver(host).resolve("test", null, Map.of("schedule.epochs", "1", "schedule.kdStepsPerEpoch", "2"),
        b -> b.addSynthesisTerm(new dev.rgal.api.TermSpec("test-tag", 1, dev.rgal.api.Settings.of(Map.of("flavour", "salty")))));
    dev.rgal.kernel.tracking.FileStoreTracker store = dev.rgal.kernel.tracking.FileStoreTracker.open(tmp.resolve("store"));
    try (dev.rgal.api.tracking.TrackedRun tracked = store.start(new dev.rgal.api.tracking.RunStart("tags", "tagged", Map.of()))) {
      new Distiller(host, Progress.silent()).run(new DistillRequest(TestTeachers.lenet5bn(), spec, null, tmp.resolve("t"), false, tracked));
      tracked.finish(dev.rgal.api.tracking.RunStatus.FINISHED);
    }
    Map<String, String> tags = store.searchRuns("tags").get(0).tags();
    assertEquals("salty", tags.get("test.flavour"), "contributed by the test-tag term");
    assertEquals("test", tags.get("method"));
    assertFalse(tags.containsKey("rgal"), "no component of this run speaks of RGAL, so neither does the kernel: " + tags);

    RunSpec clash = spec.toBuilder().addSynthesisTerm(
        new dev.rgal.api.TermSpec("test-tag-2", 1, dev.rgal.api.Settings.of(Map.of("flavour", "sweet")))).build();
    try (dev.rgal.api.tracking.TrackedRun tracked = store.start(new dev.rgal.api.tracking.RunStart("tags", "clash", Map.of()))) {
      DfkdException e = assertThrows(DfkdException.class, () -> new Distiller(host, Progress.silent())
          .run(new DistillRequest(TestTeachers.lenet5bn(), clash, null, tmp.resolve("c"), false, tracked)));
      assertTrue(e.getMessage().contains("test.flavour=salty") && e.getMessage().contains("test.flavour=sweet"), e.getMessage());
      tracked.finish(dev.rgal.api.tracking.RunStatus.FAILED);
    }
  }

  @Test
  void everyRunRecordsWhereItRan() throws Exception {
    RunSpec spec = new MethodResolver(host).resolve("test", null, Map.of("schedule.epochs", "1", "schedule.kdStepsPerEpoch", "2"));
    dev.rgal.kernel.tracking.FileStoreTracker store = dev.rgal.kernel.tracking.FileStoreTracker.open(tmp.resolve("store"));
    Path out = tmp.resolve("env");
    try (dev.rgal.api.tracking.TrackedRun tracked = store.start(new dev.rgal.api.tracking.RunStart("env", "env run", Map.of()))) {
      new Distiller(host, Progress.silent()).run(new DistillRequest(TestTeachers.lenet5bn(), spec, null, out, false, tracked));
      tracked.finish(dev.rgal.api.tracking.RunStatus.FINISHED);
    }
    Map<String, String> tags = store.searchRuns("env").get(0).tags();
    com.google.gson.JsonObject summaryEnv = com.google.gson.JsonParser.parseString(Files.readString(out.resolve("summary.json")))
        .getAsJsonObject().getAsJsonObject("environment");
    // expected values from the JVM and the OS, not from the code under test
    boolean preloaded = String.valueOf(System.getenv("LD_PRELOAD")).contains("libjemalloc");
    Map<String, String> expected = Map.of(
        "env.java.version", System.getProperty("java.version"),
        "env.java.vendor", System.getProperty("java.vendor"),
        "env.arch", System.getProperty("os.arch"),
        "env.cpu.cores", String.valueOf(Runtime.getRuntime().availableProcessors()),
        "env.djl.version", "0.29.0",
        "env.pytorch.version", "2.3.1",
        "env.pytorch.intraop_threads", System.getProperty("ai.djl.pytorch.num_threads"),
        "env.pytorch.interop_threads", System.getProperty("ai.djl.pytorch.num_interop_threads"),
        "env.allocator", preloaded ? "jemalloc" : "glibc");
    expected.forEach((k, v) -> {
      assertEquals(v, tags.get(k), "tag " + k);
      assertEquals(v, summaryEnv.get(k).getAsString(), "summary.json environment " + k);
    });
    String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
        .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElseThrow();
    assertEquals(cpu, tags.get("env.cpu.model"));
    assertTrue(tags.get("env.os").startsWith(System.getProperty("os.name")), tags.get("env.os"));
  }

  @Test
  void aSecondRunIntoTheSameDirectoryIsRefused() {
    RunSpec spec = new MethodResolver(host).resolve("test", null, Map.of("schedule.epochs", "1", "schedule.kdStepsPerEpoch", "2"));
    run(spec, tmp.resolve("x"), new ArrayList<>());
    DfkdException e = assertThrows(DfkdException.class, () -> run(spec, tmp.resolve("x"), new ArrayList<>()));
    assertTrue(e.getMessage().contains("--resume"), e.getMessage());
  }

  @Test
  void unknownMethodListsKnownOnes() {
    DfkdException e = assertThrows(DfkdException.class, () -> new MethodResolver(host).resolve("nope+rgal", null, Map.of()));
    assertTrue(e.getMessage().contains("no plugin provides component 'nope' (a method)") && e.getMessage().contains("test"), e.getMessage());
    e = assertThrows(DfkdException.class, () -> new MethodResolver(host).resolve("test+rgal", null, Map.of()));
    assertTrue(e.getMessage().startsWith("no plugin provides component 'rgal' (an extension)"), e.getMessage());
  }
}
