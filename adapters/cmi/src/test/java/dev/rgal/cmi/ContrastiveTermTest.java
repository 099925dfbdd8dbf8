package dev.rgal.cmi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.rgal.api.ComponentRequest;
import dev.rgal.api.DataSpec;
import dev.rgal.api.DfkdException;
import dev.rgal.api.Settings;
import dev.rgal.api.WeightedTerm;
import dev.rgal.api.model.FeatureNet;
import dev.rgal.api.options.OptionValues;
import dev.rgal.api.synthesis.SynthesisContext;
import dev.rgal.api.synthesis.SynthesisTerm;
import dev.rgal.api.synthesis.SyntheticBatch;
import dev.rgal.toolkit.synthesis.PerCallGeneratorSynthesizer;
import dev.rgal.toolkit.zoo.Zoo;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The term inside the engine's per-call generator synthesizer, on an untrained LeNet-5-BN teacher:
 * the head is trained, the bank fills with the kept images and is sampled, the state survives a
 * save/load round trip.
 */
class ContrastiveTermTest {
  static final DataSpec DATA = new DataSpec("fashion-mnist", 1, 32, 32, 10, List.of(0.286), List.of(0.353));
  static final int BATCH = 8;

  NDManager run;
  FeatureNet teacher;
  FeatureNet student;
  PerCallGeneratorSynthesizer synthesizer;
  int featureDim;

  @BeforeEach
  void setUp() {
    run = NDManager.newBaseManager();
    teacher = Zoo.create("lenet5-bn", run, 1, 32, 32, 10);
    student = Zoo.create("lenet5-half-bn", run, 1, 32, 32, 10);
    synthesizer = new PerCallGeneratorSynthesizer(new ComponentRequest(
        OptionValues.parse(PerCallGeneratorSynthesizer.OPTIONS, "synthesizer", "",
            Settings.of(Map.of("gSteps", 3, "nz", 16, "ngf", 8)).values()), 0, teacher.info(), student.info(), DATA, run));
    try (NDManager m = run.newSubManager()) {
      featureDim = (int) ContrastiveTerm.instanceFeatures(
          teacher.forwardWithBnStatistics(m.zeros(new Shape(2, 1, 32, 32)), false).bnStatistics()).getShape().get(1);
    }
  }

  @AfterEach
  void tearDown() {
    teacher.close();
    student.close();
    run.close();
  }

  private ContrastiveTerm term(int headDim, int negatives, int bankSize) {
    return new ContrastiveTerm(featureDim, headDim, 0.1, negatives, bankSize, 0.25, 1e-3, 4, DATA, run);
  }

  private SyntheticBatch call(ContrastiveTerm term, int call) {
    List<WeightedTerm<SynthesisTerm>> terms = List.of(new WeightedTerm<>("cmi-contrastive", 0.8, term));
    try (NDManager m = run.newSubManager()) {
      SyntheticBatch b = synthesizer.synthesize(new SynthesisContext(teacher, student, terms, DATA, BATCH, call,
          false, m, new Random(100 + call)));
      assertTrue(Double.isFinite(b.losses().get("cmi-contrastive")), "finite loss " + b.losses());
      return b;
    }
  }

  private static float[] copy(Parameter p) {
    return p.getArray().toFloatArray();
  }

  @Test
  void theHeadIsTrainedAndTheBankFillsWithKeptImagesAndIsSampled() {
    ContrastiveTerm t = term(16, 5, 20);
    assertEquals(featureDim, t.head().inputDim());
    assertTrue(featureDim > 100, "LeNet-5-BN's BN layers give " + featureDim + " dims");
    List<float[]> before = new ArrayList<>();
    t.head().parameters().forEach(p -> before.add(copy(p)));

    call(t, 1);
    assertEquals(0, t.lastCached(), "the first call has an empty bank");
    assertEquals(BATCH, t.bankSize());
    for (int i = 0; i < before.size(); i++) {
      float[] now = copy(t.head().parameters().get(i));
      assertNotEquals(0f, maxAbsDiff(before.get(i), now), "the head's Adam moved " + t.head().parameters().get(i).getName());
    }
    assertEquals(3, t.headOptimizer().steps(), "one head step per inner iteration (gSteps 3)");

    call(t, 2);
    assertEquals(5, t.lastCached(), "5 negatives sampled from 8 cached rows");
    assertEquals(2 * BATCH, t.bankSize());
    assertEquals(6, t.headOptimizer().steps(), "the head's Adam persists across calls, as the reference's");
    float[] afterTwo = t.bank().rows().toFloatArray();

    call(t, 3);
    assertEquals(5, t.lastCached());
    assertEquals(20, t.bankSize(), "capped at bankSize");
    float[] afterThree = t.bank().rows().toFloatArray();
    int row = 2 * featureDim;
    // the 4 oldest rows were dropped; the other 12 are unchanged and come first
    float[] expectedKept = java.util.Arrays.copyOfRange(afterTwo, 4 * row, 16 * row);
    assertArrayEquals(expectedKept, java.util.Arrays.copyOfRange(afterThree, 0, 12 * row));
    for (float v : afterThree) {
      assertTrue(Float.isFinite(v));
    }
  }

  @Test
  void callsLeaveNoArraysBehindInTheRunsManagers() throws Exception {
    ContrastiveTerm t = term(16, 5, 1000);
    call(t, 1);
    call(t, 2);
    int afterTwo = resources(run);
    call(t, 3);
    call(t, 4);
    assertEquals(afterTwo, resources(run), "per-iteration arrays must not land in the head's or the bank's manager");
    assertEquals(4 * BATCH, t.bankSize());
  }

  /** Arrays and managers under {@code m}, recursively (DJL keeps them in a protected map). */
  private static int resources(NDManager m) throws Exception {
    java.lang.reflect.Field f = ai.djl.ndarray.BaseNDManager.class.getDeclaredField("resources");
    f.setAccessible(true);
    int n = 0;
    for (Object r : ((Map<?, ?>) f.get(m)).values()) {
      n += r instanceof NDManager child ? 1 + resources(child) : 1;
    }
    return n;
  }

  @Test
  void allCachedRowsAreUsedWhileFewerThanNegatives() {
    ContrastiveTerm t = term(8, 100, 1000);
    call(t, 1);
    call(t, 2);
    assertEquals(BATCH, t.lastCached());
  }

  @Test
  void bankSamplesAreDistinctRowsInTheCallersManager() {
    try (MemoryBank bank = new MemoryBank(16, run); NDManager scope = run.newSubManager()) {
      float[] v = new float[12 * 2];
      for (int i = 0; i < 12; i++) {
        v[2 * i] = i;
        v[2 * i + 1] = -i;
      }
      bank.add(scope.create(v, new Shape(12, 2)));
      NDArray s = bank.sample(5, new Random(1), scope);
      assertEquals(scope, s.getManager());
      assertEquals(new Shape(5, 2), s.getShape());
      Set<Float> seen = new HashSet<>();
      float[] got = s.toFloatArray();
      for (int i = 0; i < 5; i++) {
        assertEquals(-got[2 * i], got[2 * i + 1], 0f, "a whole bank row");
        assertTrue(seen.add(got[2 * i]), "distinct rows");
      }
      bank.add(scope.create(new float[] {50, 51, 60, 61, 70, 71, 80, 81, 90, 91}, new Shape(5, 2)));
      assertEquals(16, bank.size());
      assertEquals(1f, bank.rows().getFloat(0, 0), 0f, "the oldest row went first");
      assertEquals(90f, bank.rows().getFloat(15, 0), 0f);
      assertEquals(16, bank.sample(100, new Random(2), scope).getShape().get(0));
    }
  }

  @Test
  void stateRoundTripRestoresHeadAndBank() throws Exception {
    ContrastiveTerm a = term(16, 5, 20);
    call(a, 1);
    call(a, 2);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    a.saveState(new DataOutputStream(bytes));

    ContrastiveTerm b = term(16, 5, 20);
    assertNotEquals(0f, maxAbsDiff(copy(a.head().parameters().get(0)), copy(b.head().parameters().get(0))));
    b.loadState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    for (int i = 0; i < 4; i++) {
      assertArrayEquals(copy(a.head().parameters().get(i)), copy(b.head().parameters().get(i)), 0f);
      assertTrue(b.head().parameters().get(i).getArray().hasGradient(), "still trainable after load");
    }
    assertEquals(a.bankSize(), b.bankSize());
    assertArrayEquals(a.bank().rows().toFloatArray(), b.bank().rows().toFloatArray(), 0f);
    // same draws from here on (generator init and z come from the engine's generator): same next call
    ai.djl.engine.Engine.getInstance().setRandomSeed(42);
    SyntheticBatch na = call(a, 3);
    ai.djl.engine.Engine.getInstance().setRandomSeed(42);
    SyntheticBatch nb = call(b, 3);
    assertEquals(na.losses().get("cmi-contrastive"), nb.losses().get("cmi-contrastive"), 1e-5);
    // the head's Adam moments came back too: the head moved identically during call 3
    assertEquals(9, b.headOptimizer().steps());
    for (int i = 0; i < 4; i++) {
      assertArrayEquals(copy(a.head().parameters().get(i)), copy(b.head().parameters().get(i)), 1e-6f);
    }

    ContrastiveTerm empty = term(16, 5, 20);
    ByteArrayOutputStream fresh = new ByteArrayOutputStream();
    empty.saveState(new DataOutputStream(fresh));
    b.loadState(new DataInputStream(new ByteArrayInputStream(fresh.toByteArray())));
    assertEquals(0, b.bankSize(), "an empty bank round-trips too");

    ContrastiveTerm other = term(8, 5, 20);
    DfkdException e = assertThrows(DfkdException.class,
        () -> other.loadState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))));
    assertTrue(e.getMessage().contains("resume with the spec"), e.getMessage());
  }

  private static float maxAbsDiff(float[] x, float[] y) {
    float d = 0;
    for (int i = 0; i < x.length; i++) {
      d = Math.max(d, Math.abs(x[i] - y[i]));
    }
    return d;
  }
}
