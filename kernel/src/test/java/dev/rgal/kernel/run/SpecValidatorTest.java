package dev.rgal.kernel.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rgal.api.Bindings.Registry;
import dev.rgal.api.ComponentSpec;
import dev.rgal.api.DfkdException;
import dev.rgal.api.RunSpec;
import dev.rgal.api.TermSpec;
import dev.rgal.kernel.plugin.PluginHost;
import dev.rgal.toolkit.progress.Progress;
import dev.rgal.toolkit.synthesis.PerCallGeneratorSynthesizer;
import dev.rgal.toolkit.teacher.TestTeachers;
import dev.rgal.toolkit.train.KdTrainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every key and value of a spec is checked once, at resolution, with a one-line fix. */
class SpecValidatorTest {
  static PluginHost host;
  @TempDir Path tmp;

  @BeforeAll
  static void discover() {
    host = PluginHost.discover();
  }

  @AfterAll
  static void close() {
    host.close();
  }

  private static DfkdException fails(String... keyValues) {
    Map<String, String> o = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      o.put(keyValues[i], keyValues[i + 1]);
    }
    DfkdException e = assertThrows(DfkdException.class, () -> new MethodResolver(host).resolve("test", null, o));
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    return e;
  }

  private static void contains(DfkdException e, String... fragments) {
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), "expected '" + f + "' in: " + e.getMessage());
    }
  }

  @Test
  void unknownSynthesizerOptionSuggestsTheClosestAndListsTheValidOnes() {
    contains(fails("synthesizer.settings.gStep", "5"),
        "synthesizer 'test-generator' has no option 'gStep'", "did you mean gSteps?", "valid: gSteps, lr, nz, ngf, augPadding, sortTargets");
  }

  @Test
  void unknownOptionsOfTermsAndTrainerAreNamedWithTheirComponent() {
    contains(fails("synthesisTerms.test-nan.weight", "1", "synthesisTerms.test-nan.settings.fromCal", "3"),
        "synthesis term 'test-nan' has no option 'fromCal'", "did you mean fromCall?");
    contains(fails("trainer.settings.temprature", "4"),
        "student trainer 'kd' has no option 'temprature'", "did you mean temperature?", "batchSize");
    contains(fails("studentTerms.test-logit-l2.weight", "1", "studentTerms.test-logit-l2.settings.scael", "2"),
        "student term 'test-logit-l2' has no option 'scael'", "did you mean scale?");
    // a component without options takes none
    contains(fails("synthesisTerms.bn.settings.momentum", "0.5"),
        "synthesis term 'bn' has no option 'momentum'", "it takes none");
  }

  @Test
  void wrongTypesAndOutOfRangeValuesNameKeyValueAndRange() {
    contains(fails("synthesizer.settings.gSteps", "five"), "'gSteps' must be a whole number ≥ 1, got 'five'",
        "synthesizer.settings.gSteps");
    contains(fails("synthesizer.settings.gSteps", "0"), "'gSteps' must be ≥ 1, got '0'");
    contains(fails("trainer.settings.momentum", "1.5"), "'momentum' must be 0 to 1, got '1.5'");
    contains(fails("synthesizer.settings.sortTargets", "maybe"), "'sortTargets' must be true or false, got 'maybe'");
    contains(fails("trainer.settings.lrSchedule", "step"), "'lrSchedule' must be one of cosine, constant, got 'step'");
    // typed top-level fields
    contains(fails("schedule.epochs", "x"), "schedule.epochs must be a whole number, got 'x'");
    contains(fails("schedule.epochs", "0"), "distillation needs schedule.epochs ≥ 1 (got 0)");
    contains(fails("schedule.epochs", "-1"), "schedule.epochs must be ≥ 0, got -1");
    contains(fails("seed", "1.5"), "seed must be a whole number, got '1.5'");
  }

  @Test
  void optionsForAComponentNotInTheRunAreRejected() {
    contains(fails("synthesisTerms.bn-momentum.settings.momentum", "0.5"),
        "term 'bn-momentum' is not in this run's synthesisTerms (running: bn, onehot, adv)", "weight");
    // with a weight it runs, and its option is taken
    RunSpec s = new MethodResolver(host).resolve("test", null, new LinkedHashMap<>(Map.of(
        "synthesisTerms.bn-momentum.weight", "2", "synthesisTerms.bn-momentum.settings.momentum", "0.5")));
    TermSpec t = s.synthesisTerms().stream().filter(x -> x.name().equals("bn-momentum")).findFirst().orElseThrow();
    assertEquals("0.5", t.settings().values().get("momentum"));
  }

  @Test
  void movedFieldsPointToTheirNewPlace() {
    contains(fails("optimizer.lr", "0.2"), "moved to trainer.settings.lr");
    contains(fails("temperature", "4"), "moved to trainer.settings.temperature");
    contains(fails("schedule.kdBatchSize", "64"), "moved to trainer.settings.batchSize");
  }

  @Test
  void aPresetNamingAMissingComponentFailsAtResolution() {
    DfkdException e = assertThrows(DfkdException.class, () -> new MethodResolver(host).resolve("", "test-broken", Map.of()));
    contains(e, "synthesizer 'no-such-synth', which no plugin provides", "test-generator");
    DfkdException term = fails("synthesisTerms.no-such-term.weight", "1");
    contains(term, "synthesis term 'no-such-term', which no plugin provides", "onehot");
  }

  @Test
  void theResolvedSpecListsEveryOptionAndValidatingItAgainChangesNothing() {
    RunSpec s = new MethodResolver(host).resolve("test", null, Map.of("synthesizer.settings.gSteps", "4"));
    Map<String, String> synth = s.synthesizer().settings().values();
    assertEquals("4", synth.get("gSteps"));
    assertEquals("0.01", synth.get("lr"));
    assertEquals("4", synth.get("augPadding"), "default written out");
    assertEquals("true", synth.get("sortTargets"));
    Map<String, String> kd = s.trainer().settings().values();
    assertEquals(KdTrainer.OPTIONS.names().stream().sorted().toList(), kd.keySet().stream().toList());
    assertEquals("0.05", kd.get("lr"));
    assertEquals("20", kd.get("temperature"));
    assertEquals(s, new SpecValidator(host).validate(s));
    assertEquals(4, new SpecValidator(host).options(Registry.SYNTHESIZERS, "test-generator",
        s.synthesizer().settings(), "synthesizer").get(PerCallGeneratorSynthesizer.G_STEPS));
  }

  @Test
  void aSpecBuiltInCodeIsCheckedBeforeTheRunDirectoryExists() {
    RunSpec good = new MethodResolver(host).resolve("test", null, Map.of());
    RunSpec bad = good.toBuilder().synthesizer(good.synthesizer().with("gStep", 3)).build();
    Path out = tmp.resolve("run");
    DfkdException e = assertThrows(DfkdException.class, () -> new Distiller(host, Progress.silent())
        .run(new DistillRequest(TestTeachers.lenet5bn(), bad, null, out, false, null)));
    contains(e, "did you mean gSteps?");
    assertFalse(Files.exists(out), "nothing written");
    RunSpec badTerm = good.toBuilder().addStudentTerm(new TermSpec("test-logit-l2", 1,
        dev.rgal.api.Settings.of(Map.of("scale", -1)))).trainer(ComponentSpec.of("kd")).build();
    contains(assertThrows(DfkdException.class, () -> new SpecValidator(host).validate(badTerm)), "'scale' must be ≥ 0, got '-1'");
  }
}
