package dev.rgal.cli;

import dev.rgal.api.tracking.RunRecord;
import dev.rgal.kernel.plugin.PluginHost;
import dev.rgal.kernel.run.ResultsTable;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine;

/**
 * {@code rgal compare --incremental SPLIT}: methods × splits × class orders, each cell one
 * {@code rgal incremental} run in this process (the i-th order with trial seed i, as in the
 * {@code fmnist-neil} protocol), tracked in the experiment with tag {@code grid.cell}. A cell with
 * a finished run is skipped; a cell whose directory holds an unfinished run resumes it after its
 * last complete task. Ends with the table of the grid's runs and {@code incremental.png}.
 */
final class IncrementalGrid {
  private final CompareCommand c;
  private final PrintWriter pw;

  IncrementalGrid(CompareCommand c, PrintWriter pw) {
    this.c = c;
    this.pw = pw;
  }

  record Cell(String method, String split, String order, long seed, String id, Path dir) {
    String label() {
      return method + " " + split + " " + order;
    }
  }

  int run(String experiment) {
    List<String> orders = c.classOrders.isEmpty() ? List.of("O0", "O1", "O2") : c.classOrders;
    List<Cell> cells = new ArrayList<>();
    for (String method : c.methods) {
      for (String split : c.incrementalSplits) {
        for (int i = 0; i < orders.size(); i++) {
          String id = String.join("|", "incremental", method, split, orders.get(i), Integer.toString(i),
              String.valueOf(c.inversion), String.valueOf(c.epochs), String.valueOf(c.imagesPerTask),
              String.valueOf(c.inversionSteps), String.valueOf(c.batchSize));
          String dir = (method + (c.inversion == null ? "" : "-" + c.inversion) + "-" + split + "-" + orders.get(i))
              .replaceAll("[^A-Za-z0-9+._-]", "_");
          cells.add(new Cell(method, split, orders.get(i), i, id, c.out.resolve(dir)));
        }
      }
    }
    Set<String> finished;
    try (PluginHost host = PluginHost.discover(c.common.pluginDirsOrDefault())) {
      finished = c.tracking.off ? Set.of() : c.tracking.tracker(host).searchRuns(experiment).stream()
          .filter(r -> "FINISHED".equals(r.status()) && r.tags().containsKey(ClusterCompare.CELL_TAG))
          .map(r -> r.tags().get(ClusterCompare.CELL_TAG)).collect(Collectors.toSet());
    }
    List<Cell> todo = cells.stream().filter(cell -> !finished.contains(cell.id())).toList();
    if (todo.size() < cells.size()) {
      pw.printf(Locale.ROOT, "compare: %d of %d cells already have a finished run in experiment '%s'; running the other %d%n",
          cells.size() - todo.size(), cells.size(), experiment, todo.size());
    }
    int n = 0;
    for (Cell cell : todo) {
      pw.printf(Locale.ROOT, "%n== cell %d/%d: %s (seed %d) -> %s%n", ++n, todo.size(), cell.label(), cell.seed(), cell.dir());
      pw.flush();
      CommandLine cl = new CommandLine(new IncrementalCommand());
      cl.setOut(pw);
      cl.parseArgs(args(cell, experiment).toArray(String[]::new));
      ((IncrementalCommand) cl.getCommand()).call();
    }
    Set<String> ids = cells.stream().map(Cell::id).collect(Collectors.toSet());
    try (PluginHost host = PluginHost.discover(c.common.pluginDirsOrDefault())) {
      List<RunRecord> mine = c.tracking.off ? List.of() : c.tracking.tracker(host).searchRuns(experiment).stream()
          .filter(r -> ids.contains(r.tags().get(ClusterCompare.CELL_TAG))).toList();
      pw.println();
      pw.print(ResultsTable.format(ResultsTable.rows(mine)));
      if (!mine.isEmpty()) {
        Path png = c.out.resolve("incremental.png");
        int lines = RunsCommand.incrementalPlot(png, experiment, mine);
        pw.println("incremental plot: " + png + " (" + lines + " lines)");
      }
      pw.println("experiment '" + experiment + "'; 'rgal runs --experiment " + experiment + "' prints all of its runs again");
      pw.flush();
    }
    return 0;
  }

  private List<String> args(Cell cell, String experiment) {
    List<String> a = new ArrayList<>(List.of("--tasks", cell.split(), "--class-order", cell.order(),
        "--seed", Long.toString(cell.seed()), "--method", cell.method(), "--out", cell.dir().toString(),
        "--grid-cell", cell.id()));
    if (c.testData != null) {
      a.addAll(List.of("--test-data", c.testData.toString()));
    }
    if (c.epochs != null) {
      a.addAll(List.of("--epochs", Integer.toString(c.epochs)));
    }
    if (c.inversion != null) {
      a.addAll(List.of("--inversion", c.inversion));
    }
    if (c.imagesPerTask != null) {
      a.addAll(List.of("--images-per-task", Integer.toString(c.imagesPerTask)));
    }
    if (c.inversionSteps != null) {
      a.addAll(List.of("--inversion-steps", Integer.toString(c.inversionSteps)));
    }
    if (c.batchSize != null) {
      a.addAll(List.of("--batch-size", Integer.toString(c.batchSize)));
    }
    c.common.pluginDirs.forEach(p -> a.addAll(List.of("--plugin-dir", p.toString())));
    if (c.common.quiet) {
      a.add("--quiet");
    }
    if (c.common.deterministic) {
      a.add("--deterministic");
    }
    if (c.tracking.off) {
      a.add("--no-tracking");
    } else {
      a.addAll(List.of("--experiment", experiment, "--local-store", c.tracking.localStore.toString()));
      if (c.tracking.trackingUri != null) {
        a.addAll(List.of("--tracking-uri", c.tracking.trackingUri));
      }
      if (c.tracking.required) {
        a.add("--tracking-required");
      }
    }
    boolean started = Files.isRegularFile(cell.dir().resolve(dev.rgal.incremental.IncrementalRun.IDENTITY));
    if (started && (c.tracking.off || Files.isRegularFile(cell.dir().resolve(IncrementalCommand.TRACKING)))) {
      a.add("--resume"); // continues after its last complete task, in the same tracked run
    } else if (Files.exists(cell.dir())) {
      CompareCommand.setAsideInterrupted(cell.dir(), pw); // killed before its first task ended: start clean, keep it
    }
    return a;
  }
}
