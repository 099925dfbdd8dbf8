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
 * last-epoch accuracy (the honest figure: best-epoch selection uses the test set). Runs of
 * different teachers ({@value #TEACHER_SHA}) are never pooled: when an experiment holds several,
 * each configuration name carries its teacher's first 8 hex digits.
 */
public final class ResultsTable {
  /** One configuration's aggregate. */
  public record Row(String configuration, int runs, double lastMean, double lastStd, double bestMean,
      double bestStd, double synthesisMinutes, double kdMinutes, double images, double peakRssMiB, List<String> seeds,
      List<String> runIds, Map<String, double[]> taskMetrics) {
    /**
     * @param taskMetrics the transfer task's own final metrics (tag {@link RunMetrics#TASK_METRICS_TAG}),
     *     each as {mean, sample std} over the runs that report it, in the order first reported
     */
    public Row {
      taskMetrics = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(taskMetrics));
    }

    /** A row without task metrics. */
    public Row(String configuration, int runs, double lastMean, double lastStd, double bestMean, double bestStd,
        double synthesisMinutes, double kdMinutes, double images, double peakRssMiB, List<String> seeds, List<String> runIds) {
      this(configuration, runs, lastMean, lastStd, bestMean, bestStd, synthesisMinutes, kdMinutes, images, peakRssMiB,
          seeds, runIds, Map.of());
    }
  }

  /** The param (and tag) naming the teacher's weights; runs of different teachers are never pooled. */
  public static final String TEACHER_SHA = "teacher.sha256";

  private ResultsTable() {}

  /** Aggregates FINISHED runs that carry final metrics. */
  public static List<Row> rows(List<RunRecord> runs) {
    Map<String, List<RunRecord>> groups = new LinkedHashMap<>();
    List<RunRecord> finished = runs.stream()
        .filter(r -> "FINISHED".equals(r.status()) && r.metrics().containsKey(RunMetrics.FINAL_LAST_ACCURACY))
        .toList();
    // runs of different teachers are different experiments: never averaged, and named apart
    boolean severalTeachers = finished.stream().map(ResultsTable::teacher).distinct().count() > 1;
    for (RunRecord r : finished) {
      String method = r.tags().getOrDefault("method", r.params().getOrDefault("method", "?"));
      String variant = r.tags().get("variant");
      String cfg = variant == null || variant.isEmpty() ? method : method + " [" + variant + "]";
      if (severalTeachers) {
        String sha = teacher(r);
        cfg += " (teacher " + (sha.isEmpty() ? "unknown" : sha.substring(0, Math.min(8, sha.length()))) + ")";
      }
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
      Map<String, double[]> task = new LinkedHashMap<>();
      for (RunRecord r : list) {
        for (String name : r.tags().getOrDefault(RunMetrics.TASK_METRICS_TAG, "").split(",")) {
          if (!name.isEmpty() && !task.containsKey(name)) {
            double[] v = list.stream().filter(x -> x.metrics().containsKey(name)).mapToDouble(x -> x.metrics().get(name)).toArray();
            task.put(name, new double[] {mean(v), std(v)});
          }
        }
      }
      rows.add(new Row(cfg, list.size(), mean(last), std(last), mean(best), std(best),
          mean(list.stream().mapToDouble(r -> r.metrics().getOrDefault(RunMetrics.FINAL_SYNTHESIS_MINUTES, Double.NaN)).toArray()),
          mean(list.stream().mapToDouble(r -> r.metrics().getOrDefault(RunMetrics.FINAL_KD_MINUTES, Double.NaN)).toArray()),
          mean(list.stream().mapToDouble(r -> r.metrics().getOrDefault(RunMetrics.FINAL_IMAGES_SYNTHESIZED, Double.NaN)).toArray()),
          list.stream().mapToDouble(r -> r.metrics().getOrDefault(RunMetrics.FINAL_PEAK_RSS_MIB, Double.NaN)).max().orElse(Double.NaN),
          list.stream().map(r -> r.params().getOrDefault("seed", "?")).toList(),
          list.stream().map(RunRecord::runId).toList(), task));
    });
    // by data budget (images synthesised), then by accuracy: a sweep reads budget by budget
    rows.sort(Comparator.comparingDouble((Row r) -> Double.isNaN(r.images()) ? Double.MAX_VALUE : r.images())
        .thenComparing(Comparator.comparingDouble(Row::lastMean).reversed()));
    return rows;
  }

  private static String teacher(RunRecord r) {
    return r.params().getOrDefault(TEACHER_SHA, r.tags().getOrDefault(TEACHER_SHA, ""));
  }

  /**
   * A plain-text table (also valid Markdown). When some rows carry task metrics, each metric the
   * rows report gets a column after the accuracies (fractions in %, mean ± std; "n/a" where a row
   * lacks it).
   */
  public static String format(List<Row> rows) {
    List<String> taskColumns = new ArrayList<>();
    for (Row r : rows) {
      r.taskMetrics().keySet().stream().filter(k -> !taskColumns.contains(k)).forEach(taskColumns::add);
    }
    StringBuilder sb = new StringBuilder();
    sb.append("| rank | configuration | runs (seeds) | last acc % (mean ± std) | best acc % (mean ± std) | ");
    for (String c : taskColumns) {
      sb.append(c).append(fraction(c) ? " %" : "").append(" | ");
    }
    sb.append("synth min | KD min | images | peak RSS MiB | run ids |\n");
    sb.append("|---|---|---|---|---|").append("---|".repeat(taskColumns.size())).append("---|---|---|---|---|\n");
    int rank = 0;
    double budget = Double.NaN;
    for (Row r : rows) {
      // ranks restart at each data budget
      rank = Double.compare(r.images(), budget) == 0 ? rank + 1 : 1;
      budget = r.images();
      sb.append(String.format(Locale.ROOT, "| %d | %s | %d (%s) | %s | %s | ",
          rank, r.configuration(), r.runs(), String.join(",", r.seeds()), meanStd(100, r.lastMean(), r.lastStd()),
          meanStd(100, r.bestMean(), r.bestStd())));
      for (String c : taskColumns) {
        double[] v = r.taskMetrics().get(c);
        double scale = fraction(c) ? 100 : 1;
        sb.append(v == null ? "n/a" : meanStd(scale, v[0], v[1])).append(" | ");
      }
      sb.append(String.format(Locale.ROOT, "%.2f | %.2f | %.0f | %s | %s |%n",
          r.synthesisMinutes(), r.kdMinutes(), r.images(),
          Double.isNaN(r.peakRssMiB()) ? "n/a" : String.format(Locale.ROOT, "%.0f", r.peakRssMiB()),
          String.join(" ", r.runIds().stream().map(id -> id.length() > 8 ? id.substring(0, 8) : id).toList())));
    }
    return sb.toString();
  }

  private static String meanStd(double scale, double mean, double std) {
    return Double.isNaN(mean) ? "n/a" : String.format(Locale.ROOT, "%.2f ± %.2f", scale * mean, scale * std);
  }

  private static boolean fraction(String metric) {
    return metric.endsWith("accuracy") || metric.endsWith("agreement") || metric.endsWith("forgetting");
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
