package dev.rgal.cli;

import dev.rgal.kernel.plugin.PluginHost;
import dev.rgal.kernel.run.BudgetPlot;
import dev.rgal.kernel.run.ResultsTable;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rgal runs}: the comparison table of an experiment, read from the tracking store alone. */
@Command(name = "runs", mixinStandardHelpOptions = true, description = "Print the ranked comparison table of an experiment from the tracking store (server or local), without re-running.")
final class RunsCommand implements Callable<Integer> {
  @Mixin CommonOptions common;
  @Mixin TrackingOptions tracking;
  @Spec CommandSpec spec;

  @Option(names = "--budget-plot", paramLabel = "PNG", description = "Also draw accuracy against images synthesised (log axis, one line per configuration) from the tracked runs into this file (replaced if it exists).")
  java.nio.file.@Nullable Path budgetPlot;

  @Option(names = "--incremental-plot", paramLabel = "PNG", description = "Also draw the accuracy on the seen classes after each task (pooled), one line per configuration of the experiment's finished incremental runs (mean ± std over their seeds, i.e. class orders), into this file (replaced if it exists).")
  java.nio.file.@Nullable Path incrementalPlot;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (tracking.experiment == null) {
      throw new dev.rgal.api.DfkdException("runs needs --experiment NAME");
    }
    String experimentName = tracking.experiment;
    try (PluginHost host = PluginHost.discover(common.pluginDirsOrDefault())) {
      var records = tracking.readingTracker(host).searchRuns(experimentName);
      var rows = ResultsTable.rows(records);
      if (rows.isEmpty()) {
        out.println("no finished runs in experiment '" + experimentName + "'");
      } else {
        out.print(ResultsTable.format(rows));
      }
      if (budgetPlot != null) {
        int lines = BudgetPlot.write(budgetPlot, rows, "data budget (" + experimentName + ")");
        out.println("budget plot: " + budgetPlot + " (" + lines + " lines)");
      }
      if (incrementalPlot != null) {
        int lines = incrementalPlot(incrementalPlot, experimentName, records);
        out.println("incremental plot: " + incrementalPlot + " (" + lines + " lines)");
      }
      out.flush();
    }
    return 0;
  }

  /** Accuracy after each task, one line per method and variant, mean ± std over runs; returns the line count. */
  static int incrementalPlot(java.nio.file.Path png, String experimentName, java.util.List<dev.rgal.api.tracking.RunRecord> records) {
    java.util.Map<String, java.util.List<double[]>> curves = new java.util.TreeMap<>();
    for (var r : records) {
      if (!"FINISHED".equals(r.status()) || !"incremental".equals(r.tags().get("task"))) {
        continue;
      }
      java.util.List<Double> y = new java.util.ArrayList<>();
      for (int t = 1; r.metrics().containsKey(IncrementalCommand.CURVE_PREFIX + t); t++) {
        y.add(r.metrics().get(IncrementalCommand.CURVE_PREFIX + t));
      }
      String cfg = r.tags().getOrDefault("method", "?") + " [" + r.tags().getOrDefault("variant", "") + "]";
      if (!y.isEmpty()) {
        curves.computeIfAbsent(cfg + " " + y.size() + " tasks", k -> new java.util.ArrayList<>())
            .add(y.stream().mapToDouble(Double::doubleValue).toArray());
      }
    }
    dev.rgal.incremental.IncrementalPlot.write(png, "class-incremental (" + experimentName + ")",
        "accuracy on the seen classes (pooled), %", curves);
    return curves.size();
  }
}
