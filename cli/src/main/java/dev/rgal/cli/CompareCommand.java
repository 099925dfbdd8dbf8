package dev.rgal.cli;

import dev.rgal.api.DfkdException;
import dev.rgal.api.RunSpec;
import dev.rgal.api.tracking.RunRecord;
import dev.rgal.kernel.plugin.PluginHost;
import dev.rgal.toolkit.progress.Progress;
import dev.rgal.kernel.run.BudgetPlot;
import dev.rgal.kernel.run.DataBudget;
import dev.rgal.kernel.run.DistillRequest;
import dev.rgal.kernel.run.DistillResult;
import dev.rgal.kernel.run.Distiller;
import dev.rgal.kernel.run.MethodResolver;
import dev.rgal.kernel.run.ResultsTable;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rgal compare}: a grid of methods × variants × seeds, each cell a tracked run, then the ranked table. */
@Command(name = "compare", mixinStandardHelpOptions = true, description = "Run a grid of methods (and variants) over seeds, each a tracked run, and print the ranked table.")
final class CompareCommand implements Callable<Integer> {
  @Mixin CommonOptions common;
  @Mixin TrackingOptions tracking;
  @Spec CommandSpec spec;

  @Option(names = "--teacher", paramLabel = "DIR", description = "Teacher directory (required unless --incremental).")
  @Nullable Path teacher;

  @Option(names = "--incremental", paramLabel = "SPLIT", description = {
      "An incremental grid instead (repeatable): rgal incremental over methods × these splits (e.g. b0-inc2, or 2,2,2,2,2)",
      "× --class-orders, the i-th order with trial seed i, each a tracked run; an unfinished cell resumes."})
  List<String> incrementalSplits = new ArrayList<>();

  @Option(names = "--class-orders", split = ",", paramLabel = "ORDER", description = "Class orders of an incremental grid (default: O0,O1,O2).")
  List<String> classOrders = new ArrayList<>();

  @Option(names = "--inversion", paramLabel = "ENGINE", description = "An incremental grid's inversion engine for abd/rdfcil (rgal incremental --inversion).")
  @Nullable String inversion;

  @Option(names = "--images-per-task", paramLabel = "N", description = "An incremental grid's real images per task cap (rgal incremental --images-per-task).")
  @Nullable Integer imagesPerTask;

  @Option(names = "--inversion-steps", paramLabel = "N", description = "An incremental grid's generator steps per boundary (rgal incremental --inversion-steps).")
  @Nullable Integer inversionSteps;

  @Option(names = "--batch-size", paramLabel = "N", description = "An incremental grid's real images per step (rgal incremental --batch-size).")
  @Nullable Integer batchSize;

  @Option(names = "--methods", required = true, split = ",", paramLabel = "M", description = "Methods, e.g. fast,fast+rgal,cmi,cmi+rgal.")
  List<String> methods;

  @Option(names = "--seeds", split = ",", defaultValue = "0,1,2", description = "Seeds (default: ${DEFAULT-VALUE}).")
  List<Long> seeds;

  @Option(names = "--preset", paramLabel = "NAME", description = "Preset for the methods whose base method it belongs to (others use their default preset).")
  @Nullable String preset;

  @Option(names = "--variant", paramLabel = "NAME=K=V;K=V", description = "A named variant applied to every method, e.g. 'synth-only=studentTerms.rgal-relation.weight=0;studentTerms.rgal-cd.weight=0'. Repeatable; without any, one plain variant.")
  List<String> variants = new ArrayList<>();

  @Option(names = "--budgets", split = ",", paramLabel = "N", description = "A data-budget axis: images to synthesise per run, e.g. 4k,8k,16k,32k. Each budget keeps the preset's epochs, KD steps, batch and warm-up and sets the synthesis calls per epoch nearest it (a budget under one call per epoch shrinks the batch). Writes budget.png (accuracy against images, log axis) to --out and logs it.")
  List<String> budgets = new ArrayList<>();

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override for every cell.")
  Map<String, String> overrides = new LinkedHashMap<>();

  @Option(names = "--epochs", description = "KD epochs for every cell (overrides the presets).")
  @Nullable Integer epochs;

  @Option(names = "--test-data", paramLabel = "DIR", description = "Real test data for evaluation.")
  @Nullable Path testData;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory for the cells' run directories.")
  Path out;

  @Option(names = "--spark", paramLabel = "MASTER_URL", description = "Run the grid on this Apache Spark cluster (e.g. spark://host:7077): one Spark task per cell, each in its own JVM, tracked on the MLflow server; cells with a finished run are skipped. See docs/cluster.md.")
  @Nullable String sparkMaster;

  @Option(names = "--spark-conf", paramLabel = "spark.KEY=VALUE", description = "A Spark setting for the grid's job (repeatable), e.g. spark.executor.cores=4.")
  Map<String, String> sparkConf = new LinkedHashMap<>();

  @Option(names = "--spark-shared", paramLabel = "DIR", description = "A path every Spark node sees at the same place (repeatable): inputs under it are not shipped with the job, and an --out under it holds the cells' run directories (a retried cell resumes from its checkpoint).")
  List<Path> sparkShared = new ArrayList<>();

  record Variant(String name, Map<String, String> overrides) {}

  static Variant parseVariant(String text) {
    int eq = text.indexOf('=');
    String name = eq < 0 ? text : text.substring(0, eq);
    Map<String, String> o = new LinkedHashMap<>();
    if (eq >= 0) {
      for (String kv : text.substring(eq + 1).split(";")) {
        int i = kv.indexOf('=');
        if (i <= 0) {
          throw new DfkdException("variant '" + name + "': '" + kv + "' is not KEY=VALUE; write NAME=K1=V1;K2=V2");
        }
        o.put(kv.substring(0, i).trim(), kv.substring(i + 1).trim());
      }
    }
    return new Variant(name, o);
  }

  @Override
  public Integer call() {
    PrintWriter pw = spec.commandLine().getOut();
    List<Variant> vs = variants.isEmpty() ? List.of(new Variant("", Map.of())) : variants.stream().map(CompareCommand::parseVariant).toList();
    String experiment = tracking.experiment == null ? "rgal-compare" : tracking.experiment;
    tracking.experiment = experiment;
    String gridId = UUID.randomUUID().toString().substring(0, 8);
    checkSparkOptions();
    requireDistinct("--methods", methods);
    requireDistinct("--seeds", seeds);
    requireDistinct("--variant", vs.stream().map(Variant::name).toList());
    requireDistinct("--budgets", budgets);
    requireDistinct("--incremental", incrementalSplits);
    requireDistinct("--class-orders", classOrders);
    if (!incrementalSplits.isEmpty()) {
      checkIncrementalOptions();
      return new IncrementalGrid(this, pw).run(experiment);
    }
    checkIncrementalOptions();
    Path teacher = this.teacher;
    try (PluginHost host = PluginHost.discover(common.pluginDirsOrDefault())) {
      MethodResolver resolver = new MethodResolver(host);
      // resolve every cell first, so a bad method or key fails before hours of work
      List<@Nullable DataBudget> axis = budgets.isEmpty() ? java.util.Collections.singletonList(null)
          : budgets.stream().map(DataBudget::parse).map(b -> (@Nullable DataBudget) b).toList();
      List<Cell> cells = new ArrayList<>();
      for (String m : methods) {
        for (@Nullable DataBudget budget : axis) {
          for (Variant v : vs) {
            for (long seed : seeds) {
              Map<String, String> o = new LinkedHashMap<>(overrides);
              o.putAll(v.overrides());
              String base = m.split("\\+")[0];
              String p = preset != null && presetMethod(host, preset).equals(base) ? preset : null;
              RunSpec cellSpec = resolver.resolve(m, p, o, b -> {
                b.seed(seed);
                if (epochs != null) {
                  b.epochs(epochs);
                }
                return budget == null ? b : b.schedule(budget::fit);
              });
              Variant named = budget == null ? v
                  : new Variant(v.name().isEmpty() ? budget.label() : v.name() + "@" + budget.label(), v.overrides());
              // the id keeps the budget in the variant's name, so each budget is a cell of its own
              cells.add(new Cell(m, v, budget == null ? null : budget.label(), seed, cellSpec,
                  ClusterCompare.cellId(cellSpec, named.name(), teacher)));
            }
          }
        }
      }
      if (sparkMaster != null) {
        return onCluster(host, cells, experiment, gridId, pw);
      }
      // a re-run skips the cells that already have a finished run in the experiment (tag grid.cell)
      java.util.Set<String> finished = tracking.off ? java.util.Set.of() : tracking.tracker(host).searchRuns(experiment).stream()
          .filter(r -> "FINISHED".equals(r.status()) && r.tags().containsKey(ClusterCompare.CELL_TAG))
          .map(r -> r.tags().get(ClusterCompare.CELL_TAG)).collect(java.util.stream.Collectors.toSet());
      List<Cell> todo = cells.stream().filter(c -> !finished.contains(c.cellId())).toList();
      if (todo.size() < cells.size()) {
        pw.printf(Locale.ROOT, "compare: %d of %d cells already have a finished run in experiment '%s'; running the other %d%n",
            cells.size() - todo.size(), cells.size(), experiment, todo.size());
        pw.flush();
      }
      ConsoleProgress console = new ConsoleProgress(common.quiet, System.out);
      try (Progress.Task grid = console.start("compare " + todo.size() + " runs", todo.size())) {
        for (Cell c : todo) {
          String label = c.label();
          Path dir = out.resolve(c.dirName());
          setAsideInterrupted(dir, pw);
          Map<String, String> tags = new LinkedHashMap<>();
          tags.put("variant", c.variant().name());
          if (c.budget() != null) {
            tags.put("budget", c.budget());
          }
          tags.put("compare.grid", gridId);
          tags.put(ClusterCompare.CELL_TAG, c.cellId());
          tags.put("run.dir", dir.toAbsolutePath().toString());
          DistillResult r = tracking.tracked(host, experiment, label, tags, run -> new Distiller(host, Progress.silent())
              .run(new DistillRequest(teacher, c.spec(), testData, dir, false, run), e -> {}));
          grid.step(1, label);
          grid.println(String.format(Locale.ROOT, "%-40s last %s  best %s  synth %.2f min  KD %.2f min",
              label, DistillCommand.pct(r.lastAccuracy()), DistillCommand.pct(r.bestAccuracy()), r.synthesisMinutes(), r.kdMinutes()));
        }
      }
      java.util.Set<String> ids = cells.stream().map(Cell::cellId).collect(java.util.stream.Collectors.toSet());
      List<RunRecord> mine = tracking.off ? List.of() : tracking.tracker(host).searchRuns(experiment).stream()
          .filter(r -> ids.contains(r.tags().get(ClusterCompare.CELL_TAG))).toList();
      List<ResultsTable.Row> rows = ResultsTable.rows(mine);
      pw.println();
      pw.print(ResultsTable.format(rows));
      pw.println("experiment '" + experiment + "'; 'rgal runs --experiment " + experiment + "' prints all of its runs again");
      // one row per cell: each run's own peak RSS (reset at run start) shows growth across cells
      pw.println();
      ClusterCompare.printCells(pw, cells.stream().map(Cell::forTable).toList(), mine, Map.of());
      if (!budgets.isEmpty()) {
        budgetPlot(host, rows, experiment, gridId, pw);
      }
      pw.flush();
    }
    return 0;
  }

  /**
   * Every grid axis names each value once: a repeated value would make two cells of one run
   * directory, and the second would set the first one's finished run aside as unfinished.
   */
  static void requireDistinct(String option, List<?> values) {
    java.util.Set<Object> seen = new java.util.HashSet<>();
    for (Object v : values) {
      if (!seen.add(v)) {
        throw new DfkdException(option + " gives '" + v + "' more than once (a repeated option adds to the list"
            + " given before it): give each value once");
      }
    }
  }

  /**
   * A cell without a finished run whose directory exists was interrupted (or failed): its
   * directory is renamed, never deleted, so the new attempt starts clean and nothing is lost.
   */
  static void setAsideInterrupted(Path dir, PrintWriter pw) {
    if (!java.nio.file.Files.exists(dir)) {
      return;
    }
    Path aside = dir.resolveSibling(dir.getFileName() + ".interrupted-"
        + java.time.LocalDateTime.now().format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    try {
      java.nio.file.Files.move(dir, aside);
    } catch (java.io.IOException e) {
      throw new DfkdException("cannot move the unfinished cell directory " + dir + " aside (" + e.getMessage()
          + "): move or remove it yourself, then run the grid again");
    }
    pw.println("compare: " + dir + " holds an unfinished attempt; moved it to " + aside.getFileName());
    pw.flush();
  }

  /** budget.png in --out, and in a tracked run of its own (tag rgal.summary=budget-plot) of the experiment. */
  private void budgetPlot(PluginHost host, List<ResultsTable.Row> rows, String experiment, String gridId, PrintWriter pw) {
    Path png = out.resolve("budget.png");
    int lines = BudgetPlot.write(png, rows, "data budget: " + String.join(", ", methods) + " (" + experiment + ")");
    pw.println();
    pw.println("budget plot: " + png + " (" + lines + " lines, accuracy against images synthesised)");
    if (!tracking.off) {
      Map<String, String> tags = new LinkedHashMap<>();
      tags.put("rgal.summary", "budget-plot");
      tags.put("compare.grid", gridId);
      tracking.tracked(host, experiment, "budget plot " + gridId, tags, run -> {
        run.logArtifact(png, "");
        return png;
      });
    }
  }

  /** One resolved grid cell; {@code cellId} (tag {@code grid.cell}) is stable across invocations. */
  /**
   * One resolved grid cell; {@code cellId} (tag {@code grid.cell}) is stable across invocations.
   * A budget is not a variant: the run is tagged with the plain variant (so the table and the
   * budget plot keep one configuration across budgets) and with {@code budget}.
   */
  record Cell(String method, Variant variant, @Nullable String budget, long seed, RunSpec spec, String cellId) {
    String label() {
      return method + (variant.name().isEmpty() ? "" : " [" + variant.name() + "]")
          + (budget == null ? "" : " @" + budget) + " seed " + seed;
    }

    ClusterCompare.Cell forTable() {
      return new ClusterCompare.Cell(cellId, label(), dirName(), variant.name(), seed, spec);
    }

    String dirName() {
      return (method + (variant.name().isEmpty() ? "" : "-" + variant.name()) + (budget == null ? "" : "-" + budget)
          + "-seed" + seed).replaceAll("[^A-Za-z0-9+._-]", "_");
    }
  }

  private int onCluster(PluginHost host, List<Cell> cells, String experiment, String gridId, PrintWriter pw) {
    if (tracking.off) {
      throw new DfkdException("--spark tracks every cell on the MLflow server: drop --no-tracking");
    }
    String uri = tracking.trackingUri != null ? tracking.trackingUri : System.getenv("MLFLOW_TRACKING_URI");
    if (uri == null || !(uri.startsWith("http://") || uri.startsWith("https://"))) {
      throw new DfkdException("--spark needs an MLflow tracking server the executors reach" + (uri == null || uri.isBlank() ? "" : ", not '" + uri + "'")
          + ": pass --tracking-uri http://HOST:PORT or set MLFLOW_TRACKING_URI");
    }
    tracking.required = true; // a fallback store on one machine is invisible to the cluster
    List<ClusterCompare.Cell> grid = cells.stream().map(Cell::forTable).toList();
    return new ClusterCompare(new ClusterCompare.Options(sparkMaster, sparkConf, sparkShared, common.deterministic), pw)
        .run(grid, tracking.tracker(host), uri, experiment, gridId, teacher, testData,
            common.pluginDirsOrDefault(), out);
  }

  /** Options of one kind of grid are refused in the other, so none is silently ignored. */
  private void checkIncrementalOptions() {
    if (incrementalSplits.isEmpty()) {
      List<String> given = new ArrayList<>();
      if (!classOrders.isEmpty()) given.add("--class-orders");
      if (inversion != null) given.add("--inversion");
      if (imagesPerTask != null) given.add("--images-per-task");
      if (inversionSteps != null) given.add("--inversion-steps");
      if (batchSize != null) given.add("--batch-size");
      if (!given.isEmpty()) {
        throw new DfkdException(String.join(", ", given) + " belong to an incremental grid: add --incremental SPLIT or drop them");
      }
      if (teacher == null) {
        throw new DfkdException("a distillation grid needs --teacher DIR (or --incremental SPLIT for an incremental grid)");
      }
      return;
    }
    List<String> given = new ArrayList<>();
    if (teacher != null) given.add("--teacher");
    if (preset != null) given.add("--preset");
    if (!variants.isEmpty()) given.add("--variant");
    if (!budgets.isEmpty()) given.add("--budgets");
    if (!overrides.isEmpty()) given.add("--set");
    if (sparkMaster != null) given.add("--spark");
    if (!seeds.equals(List.of(0L, 1L, 2L))) given.add("--seeds");
    if (!given.isEmpty()) {
      throw new DfkdException(String.join(", ", given) + " do not apply to an incremental grid (the i-th class order runs"
          + " with trial seed i; the model trains from scratch): drop them or drop --incremental");
    }
  }

  private void checkSparkOptions() {
    if (sparkMaster == null && (!sparkConf.isEmpty() || !sparkShared.isEmpty())) {
      throw new DfkdException("--spark-conf and --spark-shared need --spark MASTER_URL");
    }
    for (String key : sparkConf.keySet()) {
      if (!key.startsWith("spark.")) {
        throw new DfkdException("--spark-conf " + key + ": Spark settings start with 'spark.' (e.g. spark.executor.cores=4)");
      }
    }
  }

  private static String presetMethod(PluginHost host, String name) {
    return new MethodResolver(host).resolve("", name, Map.of()).method().split("\\+")[0];
  }
}
