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

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (tracking.experiment == null) {
      throw new dev.rgal.api.DfkdException("runs needs --experiment NAME");
    }
    String experimentName = tracking.experiment;
    try (PluginHost host = PluginHost.discover(common.pluginDirsOrDefault())) {
      var rows = ResultsTable.rows(tracking.readingTracker(host).searchRuns(experimentName));
      if (rows.isEmpty()) {
        out.println("no finished runs in experiment '" + experimentName + "'");
      } else {
        out.print(ResultsTable.format(rows));
      }
      if (budgetPlot != null) {
        int lines = BudgetPlot.write(budgetPlot, rows, "data budget (" + experimentName + ")");
        out.println("budget plot: " + budgetPlot + " (" + lines + " lines)");
      }
      out.flush();
    }
    return 0;
  }
}
