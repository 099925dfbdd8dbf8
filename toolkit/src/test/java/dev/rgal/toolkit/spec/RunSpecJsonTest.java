package dev.rgal.toolkit.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rgal.api.ComponentSpec;
import dev.rgal.api.DfkdException;
import dev.rgal.api.RunSpec;
import dev.rgal.api.TermSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunSpecJsonTest {
  private static RunSpec sample() {
    return RunSpec.builder().method("fast").seed(3)
        .synthesizer(ComponentSpec.of("fast").with("gSteps", 5))
        .addSynthesisTerm(TermSpec.of("bn", 10))
        .addSynthesisTerm(TermSpec.of("adv", 1.1))
        .build();
  }

  /**
   * The spec.json of a budget-study cell tracked before plugin SPI 4 added {@code task}
   * (runs/budget/fast-16k-seed0, 2026-12-01): its identity is its own text, so a grid re-run still
   * finds that cell's finished run.
   */
  @Test
  void identityOfASpecWrittenBeforeTheTaskMemberIsItsOwnText() throws Exception {
    String before;
    try (var in = RunSpecJsonTest.class.getResourceAsStream("/spec/fast-16k-before-spi4.json")) {
      before = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    RunSpec read = RunSpecJson.parse(before, "fast-16k-before-spi4.json");
    assertEquals(before.strip(), RunSpecJson.identity(read).strip());
    assertTrue(RunSpecJson.toJsonString(read).contains("\"task\""), "the full form names the task");
    RunSpec quantize = read.toBuilder().task(ComponentSpec.of("quantize")).build();
    assertTrue(RunSpecJson.identity(quantize).contains("\"quantize\""), "another task is part of the identity");
    RunSpec distillWithSettings = read.toBuilder().task(ComponentSpec.of(RunSpec.DEFAULT_TASK).with("x", 1)).build();
    assertTrue(RunSpecJson.identity(distillWithSettings).contains("\"task\""));
  }

  @Test
  void roundTripsThroughJson() {
    RunSpec s = sample();
    assertEquals(s, RunSpecJson.parse(RunSpecJson.toJsonString(s), "test"));
  }

  @Test
  void absentFieldsKeepDefaultsAndNestedGroupsMerge() {
    RunSpec s = RunSpecJson.parse("{\"method\":\"cmi\",\"schedule\":{\"epochs\":4}}", "p");
    assertEquals("cmi", s.method());
    assertEquals(4, s.schedule().epochs());
    assertEquals(RunSpec.builder().build().schedule().kdStepsPerEpoch(), s.schedule().kdStepsPerEpoch());
  }

  @Test
  void overridesAddressTermsByNameAndAddMissingOnes() {
    Map<String, String> o = new LinkedHashMap<>();
    o.put("synthesisTerms.adv.weight", "0");
    o.put("synthesisTerms.tv-l2.weight", "2.5e-5");
    o.put("synthesizer.settings.gSteps", "10");
    o.put("schedule.epochs", "7");
    RunSpec s = RunSpecJson.override(sample(), o);
    assertEquals(0.0, s.synthesisTerms().get(1).weight());
    assertEquals("tv-l2", s.synthesisTerms().get(2).name());
    assertEquals(2.5e-5, s.synthesisTerms().get(2).weight());
    assertEquals("10", s.synthesizer().settings().values().get("gSteps"));
    assertEquals(7, s.schedule().epochs());
  }

  @Test
  void unknownKeysFailWithOneLineNamingValidOnes() {
    DfkdException e = assertThrows(DfkdException.class,
        () -> RunSpecJson.override(sample(), Map.of("schedule.epoch", "3")));
    assertTrue(e.getMessage().contains("schedule.epoch") && e.getMessage().contains("epochs"), e.getMessage());
    assertThrows(DfkdException.class, () -> RunSpecJson.parse("{\"metod\":\"x\"}", "p"));
    assertThrows(DfkdException.class, () -> RunSpecJson.parse("{not json", "p"));
    assertThrows(DfkdException.class, () -> RunSpecJson.override(sample(), Map.of("synthesisTerms.adv.wieght", "1")));
  }

  @Test
  void flattensWithOverrideKeys() {
    Map<String, String> flat = RunSpecJson.flatten(sample());
    assertEquals("1.1", flat.get("synthesisTerms.adv.weight"));
    assertEquals("5", flat.get("synthesizer.settings.gSteps"));
    assertEquals("3", flat.get("seed"));
    // every flat key is accepted back as an override
    RunSpec again = RunSpecJson.override(sample(), flat);
    assertEquals(sample(), again);
  }
}
