package dev.rgal.kernel.run;

import dev.rgal.toolkit.metrics.RunMetrics;
import dev.rgal.api.tracking.RunRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The comparison table of an experiment, built from the tracking store alone: one row per
 * configuration (method plus variant) and data budget, mean ± std over its finished runs (seeds) of the last- and
 * best-epoch accuracy, synthesis and KD minutes, the data budget, the largest per-run peak RSS
 * ({@code final.peak_rss_mib}; "n/a" for runs that predate it), and the run ids; ranked by mean
 * last-epoch accuracy (the honest figure: best-epoch selection uses the test set).
 */
public final class ResultsTable {
  /** One configuration's aggregate. */
  public record Row(String configuration, int runs, double lastMean, double lastStd, double bestMean,
      double bestStd, double synthesisMinutes, double kdMinutes, double images, double peakRssMiB, List<String> seeds,
      List<String> runIds) {}

  private ResultsTable() {}

  /** Aggregates FINISHED runs that carry final metrics. */
  public static List<Row> rows(List<RunRecord> runs) {
    Map<String, List<RunRecord>> groups = new LinkedHashMap<>();
    for (RunRecord r : runs) {
      if (!"FINISHED".equals(r.status()) || !r.metrics().containsKey(RunMetrics.FINAL_LAST_ACCURACY)) {
        continue;
      }
      String method = r.tags().getOrDefault("method", r.params().getOrDefault("method", "?"));
      String variant = r.tags().get("variant");
      String cfg = variant == null || variant.isEmpty() ? method : method + " [" + variant + "]";
      // one row per configuration and data budget: a budget sweep's cells differ only in the images
      groups.computeIfAbsent(cfg + "\u0000" + r.params().getOrDefault(RunMetrics.DATA_BUDGET_IMAGES, ""),
          k -> new ArrayList<>()).add(r);
    }
    List<Row> rows = new ArrayList<>();
    groups.forEach((key, unsorted) -> {
      String cfg = key.substring(0, key.indexOf('\u0000'));
      List<RunRecord> list = new ArrayList<>(unsorted);
      list.sort(Comparator.comparing(r -> r.params().getOrDefault("seed", "")));
      double[] last = list.stream().mapToDouble(r -> r.metrics().get(RunMetrics.FINAL_LAST_ACCURACY)).toArray();
      double[] best = list.stream().mapToDouble(r -> r.metrics().getOrDefault(RunMetrics.FINAL_BEST_ACCURACY, Double.NaN)).toArray();
      rows.add(new Row(cfg, list.size(), mean(last), std(last), mean(best), std(best),
          mean(list.stream().mapToDouble(r -> r.metrics().getOrDefault(RunMetrics.FINAL_SYNTHESIS_MINUTES, Double.NaN)).toArray()),
          mean(list.stream().mapToDouble(r -> r.metrics().getOrDefault(RunMetrics.FINAL_KD_MINUTES, Double.NaN)).toArray()),
          mean(list.stream().mapToDouble(r -> r.metrics().getOrDefault(RunMetrics.FINAL_IMAGES_SYNTHESIZED, Double.NaN)).toArray()),
          list.stream().mapToDouble(r -> r.metrics().getOrDefault(RunMetrics.FINAL_PEAK_RSS_MIB, Double.NaN)).max().orElse(Double.NaN),
          list.stream().map(r -> r.params().getOrDefault("seed", "?")).toList(),
          list.stream().map(RunRecord::runId).toList()));
    });
    // by data budget (images synthesised), then by accuracy: a sweep reads budget by budget
    rows.sort(Comparator.comparingDouble((Row r) -> Double.isNaN(r.images()) ? Double.MAX_VALUE : r.images())
        .thenComparing(Comparator.comparingDouble(Row::lastMean).reversed()));
    return rows;
  }

  /** A plain-text table (also valid Markdown). */
  public static String format(List<Row> rows) {
    StringBuilder sb = new StringBuilder();
    sb.append("| rank | configuration | runs (seeds) | last acc % (mean ± std) | best acc % (mean ± std) | synth min | KD min | images | peak RSS MiB | run ids |\n");
    sb.append("|---|---|---|---|---|---|---|---|---|---|\n");
    int rank = 0;
    double budget = Double.NaN;
    for (Row r : rows) {
      // ranks restart at each data budget
      rank = Double.compare(r.images(), budget) == 0 ? rank + 1 : 1;
      budget = r.images();
      sb.append(String.format(Locale.ROOT, "| %d | %s | %d (%s) | %.2f ± %.2f | %.2f ± %.2f | %.2f | %.2f | %.0f | %s | %s |%n",
          rank, r.configuration(), r.runs(), String.join(",", r.seeds()), 100 * r.lastMean(), 100 * r.lastStd(),
          100 * r.bestMean(), 100 * r.bestStd(), r.synthesisMinutes(), r.kdMinutes(), r.images(),
          Double.isNaN(r.peakRssMiB()) ? "n/a" : String.format(Locale.ROOT, "%.0f", r.peakRssMiB()),
          String.join(" ", r.runIds().stream().map(id -> id.length() > 8 ? id.substring(0, 8) : id).toList())));
    }
    return sb.toString();
  }

  static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return v.length == 0 ? Double.NaN : s / v.length;
  }

  /** Sample standard deviation (n − 1); 0 for a single run. */
  static double std(double[] v) {
    if (v.length < 2) {
      return 0;
    }
    double m = mean(v);
    double s = 0;
    for (double x : v) {
      s += (x - m) * (x - m);
    }
    return Math.sqrt(s / (v.length - 1));
  }
}
