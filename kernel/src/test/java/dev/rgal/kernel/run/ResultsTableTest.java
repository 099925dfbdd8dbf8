package dev.rgal.kernel.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rgal.api.tracking.RunRecord;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The comparison table aggregates finished runs per configuration, from stored metrics alone. */
class ResultsTableTest {
  private static RunRecord run(String id, String method, String seed, String status, double last, Double peakRss) {
    Map<String, Double> m = new HashMap<>(Map.of("final.last_accuracy", last, "final.best_accuracy", last + 0.01,
        "final.synthesis_minutes", 2.0, "final.kd_minutes", 1.0, "final.images_synthesized", 7680.0));
    if (peakRss != null) {
      m.put("final.peak_rss_mib", peakRss);
    }
    return new RunRecord(id, method + "-" + seed, status, Map.of("seed", seed), m, Map.of("method", method));
  }

  @Test
  void meanAndSampleStdOverSeedsLargestPeakRssAndRankByLastAccuracy() {
    List<ResultsTable.Row> rows = ResultsTable.rows(List.of(
        run("c1", "cmi", "1", "FINISHED", 0.74, 900.0),
        run("c0", "cmi", "0", "FINISHED", 0.70, 1200.0),
        run("c2", "cmi", "2", "RUNNING", 0.10, 5000.0),
        run("r0", "rgal", "0", "FINISHED", 0.80, null)));
    assertEquals(2, rows.size(), "the unfinished run is left out");
    ResultsTable.Row rgal = rows.get(0);
    ResultsTable.Row cmi = rows.get(1);
    assertEquals("rgal", rgal.configuration(), "ranked by mean last accuracy");
    assertEquals(List.of("0", "1"), cmi.seeds());
    assertEquals(0.72, cmi.lastMean(), 1e-12);
    assertEquals(Math.sqrt(0.0008), cmi.lastStd(), 1e-12);
    assertEquals(1200.0, cmi.peakRssMiB(), "memory: the worst run counts");
    assertTrue(Double.isNaN(rgal.peakRssMiB()));
    String table = ResultsTable.format(rows);
    assertTrue(table.contains("| 1200 | c0 c1 |"), table);
    assertTrue(table.contains("| n/a | r0 |"), table);
  }

  private static RunRecord budgetRun(String id, String method, String seed, int images, double last) {
    return new RunRecord(id, method + "-" + seed, "FINISHED", Map.of("seed", seed, "dataBudget.images", String.valueOf(images)),
        Map.of("final.last_accuracy", last, "final.images_synthesized", (double) images), Map.of("method", method));
  }

  @Test
  void aBudgetSweepGetsOneRowPerMethodAndBudgetSortedByImagesWithRanksPerBudget() {
    List<ResultsTable.Row> rows = ResultsTable.rows(List.of(
        budgetRun("a", "fast", "0", 16128, 0.79), budgetRun("b", "fast", "1", 16128, 0.81),
        budgetRun("c", "fast", "0", 3993, 0.70), budgetRun("d", "fast+rgal", "0", 3993, 0.72),
        budgetRun("e", "fast+rgal", "0", 16128, 0.78)));
    assertEquals(List.of("fast+rgal@3993", "fast@3993", "fast@16128", "fast+rgal@16128"),
        rows.stream().map(r -> r.configuration() + "@" + (int) r.images()).toList());
    assertEquals(0.80, rows.get(2).lastMean(), 1e-12, "the two seeds of fast at 16k are one row");
    String table = ResultsTable.format(rows);
    List<String> ranks = table.lines().skip(2).map(l -> l.split("\\|")[1].trim()).toList();
    assertEquals(List.of("1", "2", "1", "2"), ranks, "ranks restart at each budget: " + table);
  }

  private static RunRecord quantRun(String id, String variant, String seed, double ptq, double last) {
    return new RunRecord(id, variant + "-" + seed, "FINISHED", Map.of("seed", seed),
        Map.of("final.last_accuracy", last, "quant.ptq_accuracy", ptq, "quant.teacher_agreement", 0.9, "quant.calibration_images", 256.0),
        Map.of("method", "noise+quantize", "variant", variant, "task.metrics", "quant.ptq_accuracy,quant.teacher_agreement,quant.calibration_images"));
  }

  @Test
  void aTasksOwnFinalMetricsBecomeColumnsNamedByItsTag() {
    List<ResultsTable.Row> rows = ResultsTable.rows(List.of(
        quantRun("a", "w4a4", "0", 0.80, 0.86), quantRun("b", "w4a4", "1", 0.82, 0.88),
        quantRun("c", "w3a3", "0", 0.60, 0.70),
        run("d", "fast", "0", "FINISHED", 0.75, null)));
    ResultsTable.Row w4 = rows.stream().filter(r -> r.configuration().equals("noise+quantize [w4a4]")).findFirst().orElseThrow();
    assertEquals(0.81, w4.taskMetrics().get("quant.ptq_accuracy")[0], 1e-12);
    assertEquals(Math.sqrt(0.0002), w4.taskMetrics().get("quant.ptq_accuracy")[1], 1e-12);
    String table = ResultsTable.format(rows);
    String header = table.lines().findFirst().orElseThrow();
    assertTrue(header.contains("| quant.ptq_accuracy % | quant.teacher_agreement % | quant.calibration_images | synth min"), header);
    assertTrue(table.contains("| 87.00 ± 1.41 | n/a | 81.00 ± 1.41 | 90.00 ± 0.00 | 256.00 ± 0.00 |"), table);
    String fast = table.lines().filter(l -> l.contains("| fast |")).findFirst().orElseThrow();
    assertTrue(fast.contains("| n/a | n/a | n/a |"), "a distillation row has no quantization columns: " + fast);
    assertEquals(table.lines().skip(1).findFirst().orElseThrow().chars().filter(ch -> ch == '|').count(),
        header.chars().filter(ch -> ch == '|').count(), "the separator has one cell per column");
  }

  @Test
  void runsOfDifferentTeachersAreNeverAveragedTogether() {
    RunRecord a = withTeacher(run("a", "fast", "0", "FINISHED", 0.80, null), "29749976aaaa");
    RunRecord b = withTeacher(run("b", "fast", "1", "FINISHED", 0.70, null), "d7b8ec4fbbbb");
    List<ResultsTable.Row> rows = ResultsTable.rows(List.of(a, b));
    assertEquals(List.of("fast (teacher 29749976)", "fast (teacher d7b8ec4f)"),
        rows.stream().map(ResultsTable.Row::configuration).toList());
    assertEquals(1, rows.get(0).runs());
    List<ResultsTable.Row> one = ResultsTable.rows(List.of(a, withTeacher(run("c", "fast", "1", "FINISHED", 0.70, null), "29749976aaaa")));
    assertEquals(List.of("fast"), one.stream().map(ResultsTable.Row::configuration).toList(),
        "one teacher: names unchanged");
    assertEquals(0.75, one.get(0).lastMean(), 1e-12);
  }

  private static RunRecord withTeacher(RunRecord r, String sha) {
    Map<String, String> params = new HashMap<>(r.params());
    params.put("teacher.sha256", sha);
    return new RunRecord(r.runId(), r.runName(), r.status(), params, r.metrics(), r.tags());
  }
}
