package dev.rgal.spark;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The grid driver: a JVM with Spark's jars (from Maven) and this module only, started by
 * {@code rgal compare --spark}. Each cell is its own single-task Spark job, all submitted at once,
 * so a cell Spark gives up on fails alone and the rest of the grid finishes. Prints progress over
 * the grid and writes the cells' outcomes for the CLI, which then reads the ranked table from the
 * tracking server.
 *
 * <p>When the CLI goes away (stdin closes), the driver exits; Spark's shutdown hook stops the
 * context, the cluster kills the executors and with them the cells' JVMs, whose runs end KILLED.
 *
 * <p>Arguments: {@code PLAN_JSON}.
 */
public final class GridDriver {
  private GridDriver() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: GridDriver PLAN_JSON");
      System.exit(2);
    }
    ObjectMapper json = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
        .enable(SerializationFeature.INDENT_OUTPUT);
    GridPlan plan = json.readValue(Path.of(args[0]).toFile(), GridPlan.class);
    watchParent();
    SparkConf conf = configure(plan);
    int taskCpus = conf.getInt("spark.task.cpus", 1);
    List<CellOutcome> outcomes;
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      if (plan.archive() != null) {
        sc.sc().addArchive(plan.archive() + "#" + CellTask.ARCHIVE_NAME);
      }
      GridProgress progress = new GridProgress(plan.cells().size(), System.out);
      sc.sc().addSparkListener(progress.listener());
      Map<GridPlan.PlannedCell, JavaFutureAction<List<CellOutcome>>> jobs = new LinkedHashMap<>();
      for (GridPlan.PlannedCell c : plan.cells()) {
        CellJob job = new CellJob(c.cellId(), c.label(), c.cellJson(), plan.archive() != null, plan.classPath(),
            plan.javaOptions(), plan.deterministic() ? 1 : taskCpus, plan.deterministic());
        sc.setJobGroup(c.cellId(), c.label(), true);
        jobs.put(c, sc.parallelize(List.of(job), 1).map(new CellTask()).collectAsync());
      }
      progress.submitted(sc.sc().applicationId(), conf);
      outcomes = collect(jobs, progress);
      progress.finished();
    }
    Path out = Path.of(plan.outcomesFile());
    // temp-then-rename by hand: the driver runs on Spark's class path, without the toolkit's AtomicFiles
    Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
    json.writeValue(tmp.toFile(), outcomes);
    Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * The driver's defaults, then the user's settings. One cell per executor at a time: DJL runs
   * one distillation per JVM, and a cell's JVM uses all the cores its task holds.
   */
  static SparkConf configure(GridPlan plan) {
    SparkConf conf = new SparkConf(false).setMaster(plan.master()).setAppName(plan.appName());
    conf.set("spark.speculation", "false"); // a speculative copy would be a second tracked run
    conf.set("spark.executor.memory", "1g"); // the executor only waits for the cell's own JVM
    plan.conf().forEach(conf::set);
    if (!conf.contains("spark.executor.cores")) {
      conf.set("spark.executor.cores", "2");
    }
    if (!conf.contains("spark.task.cpus")) {
      conf.set("spark.task.cpus", conf.get("spark.executor.cores"));
    }
    if (conf.getInt("spark.task.cpus", 1) < conf.getInt("spark.executor.cores", 1)) {
      System.err.println("rgal: warning: spark.task.cpus < spark.executor.cores lets one executor run several cells at"
          + " once, each in its own JVM; set them equal for one cell per executor");
    }
    List<String> jars = new ArrayList<>(List.of(plan.sparkJar()));
    if (conf.contains("spark.jars")) {
      jars.add(conf.get("spark.jars"));
    }
    conf.set("spark.jars", String.join(",", jars));
    return conf;
  }

  private static List<CellOutcome> collect(Map<GridPlan.PlannedCell, JavaFutureAction<List<CellOutcome>>> jobs,
      GridProgress progress) throws InterruptedException {
    Map<String, CellOutcome> done = new LinkedHashMap<>();
    while (done.size() < jobs.size()) {
      for (Map.Entry<GridPlan.PlannedCell, JavaFutureAction<List<CellOutcome>>> e : jobs.entrySet()) {
        GridPlan.PlannedCell c = e.getKey();
        if (done.containsKey(c.cellId()) || !e.getValue().isDone()) {
          continue;
        }
        CellOutcome o;
        try {
          o = e.getValue().get().get(0);
        } catch (ExecutionException ex) {
          o = CellOutcome.gaveUp(c.cellId(), c.label(), "Spark gave up on the cell: " + firstLine(ex.getCause()));
        }
        done.put(c.cellId(), o);
        progress.cellDone(o);
      }
      progress.tick();
      Thread.sleep(250);
    }
    List<CellOutcome> ordered = new ArrayList<>();
    jobs.keySet().forEach(c -> ordered.add(done.get(c.cellId())));
    return ordered;
  }

  static String firstLine(Throwable t) {
    String m = t == null ? "unknown" : String.valueOf(t.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  /** The CLI holds our stdin open; its end means the CLI died: end the grid (runs end KILLED). */
  private static void watchParent() {
    ParentWatch.exitWhenStdinCloses("rgal: the rgal compare process went away; stopping the grid", "rgal-driver-parent-watch");
  }
}
