package dev.rgal.cli;

import dev.rgal.toolkit.metrics.RunMetrics;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rgal.api.DfkdException;
import dev.rgal.api.RunSpec;
import dev.rgal.api.tracking.RunRecord;
import dev.rgal.api.tracking.RunTracker;
import dev.rgal.kernel.run.ResultsTable;
import dev.rgal.toolkit.spec.RunSpecJson;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.jspecify.annotations.Nullable;

/**
 * {@code rgal compare --spark}: hands the grid to an Apache Spark cluster. This side (the CLI's
 * class path) resolves nothing new: it skips cells that already have a FINISHED run (tag
 * {@value #CELL_TAG}), packs what must travel (the rgal class path, teacher, test data, plugin
 * jars) into one archive unless it lies under a {@code --spark-shared} path, starts the grid
 * driver in its own JVM with Spark's jars only ({@code spark/target/dist}), and at the end prints
 * the ranked table and one row per cell, read from the tracking server.
 */
final class ClusterCompare {
  static final String CELL_TAG = "grid.cell";
  private static final String DRIVER_MAIN = "dev.rgal.spark.GridDriver";

  /** One resolved grid cell. */
  record Cell(String cellId, String label, String dirName, String variant, long seed, RunSpec spec) {}

  /** What the command line says about the cluster. */
  record Options(String master, Map<String, String> conf, List<Path> shared, boolean deterministic) {}

  private final Options options;
  private final PrintWriter out;

  ClusterCompare(Options options, PrintWriter out) {
    this.options = options;
    this.out = out;
  }

  /** A cell's stable id: the resolved spec, the variant and the teacher's identity. */
  static String cellId(RunSpec spec, String variant, Path teacher) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(RunSpecJson.identity(spec).getBytes(StandardCharsets.UTF_8));
      d.update((byte) 0);
      d.update(variant.getBytes(StandardCharsets.UTF_8));
      d.update((byte) 0);
      Path meta = teacher.resolve("teacher.json");
      if (Files.exists(meta)) {
        d.update(Files.readAllBytes(meta));
      }
      return HexFormat.of().formatHex(d.digest(), 0, 8);
    } catch (IOException e) {
      throw new DfkdException("cannot read " + teacher.resolve("teacher.json") + " (" + e.getMessage() + "): pass a teacher directory");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Runs the cells not yet finished on the cluster and prints the tables.
   *
   * @return 0 when every cell has a FINISHED run, 1 otherwise
   */
  int run(List<Cell> cells, RunTracker tracker, String trackingUri, String experiment, String gridId, Path teacher,
      @Nullable Path testData, List<Path> pluginDirs, Path outDir) {
    Set<String> finished = tracker.searchRuns(experiment).stream()
        .filter(r -> r.status().equals("FINISHED") && r.tags().containsKey(CELL_TAG))
        .map(r -> r.tags().get(CELL_TAG)).collect(Collectors.toSet());
    List<Cell> todo = cells.stream().filter(c -> !finished.contains(c.cellId())).toList();
    out.printf(Locale.ROOT, "grid: %d cells, %d already finished in experiment '%s' (tag %s), %d to run on %s%n",
        cells.size(), cells.size() - todo.size(), experiment, CELL_TAG, todo.size(), options.master());
    out.flush();
    Map<String, JsonObject> outcomes = new HashMap<>();
    if (!todo.isEmpty()) {
      outcomes = submit(todo, trackingUri, experiment, gridId, teacher, testData, pluginDirs, outDir);
    }
    Set<String> ids = cells.stream().map(Cell::cellId).collect(Collectors.toSet());
    List<RunRecord> mine = tracker.searchRuns(experiment).stream()
        .filter(r -> ids.contains(r.tags().get(CELL_TAG))).toList();
    out.println();
    out.print(ResultsTable.format(ResultsTable.rows(mine)));
    out.println();
    List<String> incomplete = printCells(out, cells, mine, outcomes);
    out.println("experiment '" + experiment + "'; 'rgal runs --experiment " + experiment + "' prints all of its runs again");
    out.flush();
    if (!incomplete.isEmpty()) {
      System.err.println("rgal: error: " + incomplete.size() + " of " + cells.size() + " cells did not finish ("
          + String.join(", ", incomplete) + "); their errors are in the table; fix them and re-run the same command,"
          + " which runs only the cells without a finished run");
      return 1;
    }
    return 0;
  }

  private Map<String, JsonObject> submit(List<Cell> todo, String trackingUri, String experiment, String gridId,
      Path teacher, @Nullable Path testData, List<Path> pluginDirs, Path outDir) {
    Path dist = SparkDist.locate();
    Path job;
    try {
      job = Files.createTempDirectory("rgal-spark-job-");
    } catch (IOException e) {
      throw new DfkdException("cannot create a temporary directory (" + e.getMessage() + "): set java.io.tmpdir to a writable place");
    }
    try {
      Shipment ship = new Shipment(options.shared());
      List<String> classPath = new ArrayList<>();
      List<String> entries = new ArrayList<>(Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator)));
      entries.add(dist.resolve("rgal-spark.jar").toString()); // the cell's main class
      for (int i = 0; i < entries.size(); i++) {
        Path e = Path.of(entries.get(i));
        if (Files.exists(e)) {
          classPath.add(ship.place(e, String.format(Locale.ROOT, "runtime/%03d-%s", i, e.getFileName())));
        }
      }
      String teacherRef = ship.place(teacher, "teacher");
      String testRef = testData == null ? null : ship.place(testData, "test-data");
      JsonArray plugins = new JsonArray();
      for (int i = 0; i < pluginDirs.size(); i++) {
        if (Files.isDirectory(pluginDirs.get(i))) {
          plugins.add(ship.place(pluginDirs.get(i), "plugins/" + i));
        }
      }
      boolean sharedOut = ship.isShared(outDir);
      JsonArray planned = new JsonArray();
      for (Cell c : todo) {
        JsonObject cell = new JsonObject();
        cell.addProperty("cellId", c.cellId());
        cell.addProperty("label", c.label());
        cell.addProperty("runName", c.label());
        cell.addProperty("experiment", experiment);
        cell.addProperty("trackingUri", trackingUri);
        cell.add("spec", RunSpecJson.toJson(c.spec()));
        JsonObject tags = new JsonObject();
        tags.addProperty("variant", c.variant());
        tags.addProperty("compare.grid", gridId);
        tags.addProperty("compare.spark", options.master());
        cell.add("tags", tags);
        cell.addProperty("teacher", teacherRef);
        if (testRef != null) {
          cell.addProperty("testData", testRef);
        }
        cell.add("pluginDirs", plugins);
        cell.addProperty("runDir", sharedOut ? outDir.toAbsolutePath().normalize().resolve(c.dirName()).toString() : "@scratch/" + c.dirName());
        JsonObject p = new JsonObject();
        p.addProperty("cellId", c.cellId());
        p.addProperty("label", c.label());
        p.addProperty("cellJson", cell.toString());
        planned.add(p);
      }
      Path archive = ship.isEmpty() ? null : ship.write(job.resolve("rgal-job.zip"));
      Path outcomes = job.resolve("outcomes.json");
      JsonObject plan = new JsonObject();
      plan.addProperty("master", options.master());
      plan.addProperty("appName", "rgal compare " + experiment);
      JsonObject conf = new JsonObject();
      options.conf().forEach(conf::addProperty);
      plan.add("conf", conf);
      plan.addProperty("sparkJar", dist.resolve("rgal-spark.jar").toString());
      if (archive != null) {
        plan.addProperty("archive", archive.toString());
      }
      JsonArray cp = new JsonArray();
      classPath.forEach(cp::add);
      plan.add("classPath", cp);
      JsonArray jvm = new JsonArray();
      cellJavaOptions().forEach(jvm::add);
      plan.add("javaOptions", jvm);
      plan.addProperty("deterministic", options.deterministic());
      plan.add("cells", planned);
      plan.addProperty("outcomesFile", outcomes.toString());
      Path planFile = job.resolve("plan.json");
      Gson gson = new GsonBuilder().setPrettyPrinting().create();
      Files.writeString(planFile, gson.toJson(plan));
      out.printf(Locale.ROOT, "grid: shipping %s; run directories %s%n",
          archive == null ? "nothing (every input is on a shared path)" : ship.summary() + " in " + ProcessSize.mib(archive),
          sharedOut ? "under the shared " + outDir.toAbsolutePath() + " (a retried cell resumes from its checkpoint)"
              : "on the executors' local disks (a retried cell restarts; artefacts are in the tracking server)");
      out.flush();
      int exit = launchDriver(dist, planFile);
      if (exit != 0 || !Files.exists(outcomes)) {
        throw new DfkdException("the Spark grid driver failed (exit " + exit + "); its lines above say why;"
            + " re-running the same command runs only the cells without a finished run");
      }
      Map<String, JsonObject> byCell = new HashMap<>();
      for (JsonElement e : JsonParser.parseString(Files.readString(outcomes)).getAsJsonArray()) {
        byCell.put(e.getAsJsonObject().get("cellId").getAsString(), e.getAsJsonObject());
      }
      return byCell;
    } catch (IOException e) {
      throw new DfkdException("cannot prepare the Spark job in " + job + " (" + e.getMessage() + "): check free space in java.io.tmpdir");
    } finally {
      deleteTree(job);
    }
  }

  /** JVM options of each cell: {@code spark.rgal.cell.javaOptions}, else what ./rgal uses. */
  private List<String> cellJavaOptions() {
    String o = options.conf().getOrDefault("spark.rgal.cell.javaOptions", "-Xmx2g -XX:MaxDirectMemorySize=512m");
    return Arrays.stream(o.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
  }

  private int launchDriver(Path dist, Path planFile) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(sparkModuleOptions(dist));
    cmd.add("-Xmx1g");
    cmd.add("-cp");
    cmd.add(dist.resolve("rgal-spark.jar") + File.pathSeparator + dist.resolve("lib") + File.separator + "*");
    cmd.add(DRIVER_MAIN);
    cmd.add(planFile.toString());
    // stdout and stderr go where ours go; stdin stays a pipe: when this JVM dies, the driver sees
    // its end and stops the grid (the executors and their cells end with it)
    Process driver = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.INHERIT)
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      return driver.waitFor();
    } catch (InterruptedException e) {
      driver.destroy();
      Thread.currentThread().interrupt();
      throw new DfkdException("interrupted while the grid ran; re-run the same command to run the missing cells");
    } finally {
      if (driver.isAlive()) {
        driver.destroy();
      }
    }
  }

  /** Spark's own list of --add-opens flags for Java 17, from its launcher jar (it has no dependencies). */
  private static List<String> sparkModuleOptions(Path dist) {
    try (Stream<Path> jars = Files.list(dist.resolve("lib"))) {
      Path launcher = jars.filter(p -> p.getFileName().toString().startsWith("spark-launcher_")).findFirst()
          .orElseThrow(() -> new DfkdException("no spark-launcher jar in " + dist.resolve("lib") + ": rebuild with mvn -pl spark -am package"));
      try (URLClassLoader l = new URLClassLoader(new URL[] {launcher.toUri().toURL()}, null)) {
        return List.of((String[]) l.loadClass("org.apache.spark.launcher.JavaModuleOptions")
            .getMethod("defaultModuleOptionArray").invoke(null));
      }
    } catch (IOException | ReflectiveOperationException e) {
      throw new DfkdException("cannot read Spark's JVM options from " + dist + " (" + e + "): rebuild with mvn -pl spark -am package");
    }
  }

  /**
   * One row per cell: status, attempts, wall time, peak RSS of the cell's JVM, its RSS and JVM heap
   * after the last epoch (RSS growing while the heap does not is native memory), the executor's
   * RSS, error.
   */
  static List<String> printCells(PrintWriter out, List<Cell> cells, List<RunRecord> runs, Map<String, JsonObject> outcomes) {
    List<String> incomplete = new ArrayList<>();
    out.println("| cell | configuration | seed | status | tracked runs (statuses) | wall s | cell peak RSS MiB | RSS / heap MiB at end | executor RSS MiB after | run id | error |");
    out.println("|---|---|---|---|---|---|---|---|---|---|---|");
    for (Cell c : cells) {
      List<RunRecord> mine = runs.stream().filter(r -> c.cellId().equals(r.tags().get(CELL_TAG))).toList();
      RunRecord best = mine.stream().filter(r -> r.status().equals("FINISHED")).findFirst()
          .orElse(mine.stream().max(Comparator.comparing(r -> r.tags().getOrDefault("grid.attempt", ""))).orElse(null));
      JsonObject o = outcomes.get(c.cellId());
      String status = best != null ? best.status() : o != null ? str(o, "status") : "NOT RUN";
      String error = o != null && !str(o, "error").isEmpty() ? str(o, "error")
          : best == null ? "" : best.tags().getOrDefault("grid.error", "");
      if (!status.equals("FINISHED")) {
        incomplete.add(c.label());
      }
      Map<String, Long> statuses = mine.stream().collect(Collectors.groupingBy(RunRecord::status, LinkedHashMap::new, Collectors.counting()));
      out.printf(Locale.ROOT, "| %s | %s | %d | %s | %d (%s) | %s | %s | %s / %s | %s | %s | %s |%n", c.cellId(), c.label().replaceAll(" seed \\d+$", ""),
          c.seed(), status, mine.size(), statuses.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", ")),
          metric(best, "cell.wall_seconds", "%.0f"), metric(best, RunMetrics.FINAL_PEAK_RSS_MIB, "%.0f"),
          metric(best, RunMetrics.RSS_MIB, "%.0f"), metric(best, RunMetrics.HEAP_COMMITTED_MIB, "%.0f"),
          o == null || o.get("executorRssMiB").isJsonNull() ? "n/a" : fmt(o.get("executorRssMiB").getAsDouble(), "%.0f"),
          best == null ? "" : best.runId().substring(0, Math.min(8, best.runId().length())), error.replace('|', '/'));
    }
    return incomplete;
  }

  private static String str(JsonObject o, String key) {
    return o.has(key) && !o.get(key).isJsonNull() ? o.get(key).getAsString() : "";
  }

  private static String metric(@Nullable RunRecord r, String key, String format) {
    return r == null || !r.metrics().containsKey(key) ? "n/a" : fmt(r.metrics().get(key), format);
  }

  private static String fmt(double v, String format) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, format, v);
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("rgal: warning: could not remove " + dir + ": " + e.getMessage());
    }
  }

  /** Sizes for people. */
  static final class ProcessSize {
    private ProcessSize() {}

    static String mib(Path file) throws IOException {
      return String.format(Locale.ROOT, "%.0f MiB", Files.size(file) / 1048576.0);
    }
  }

  /**
   * What travels with the job: inputs under a shared path keep their absolute path; the others go
   * into one zip that Spark ships and unpacks on each executor ({@code @job/NAME}).
   */
  static final class Shipment {
    private final List<Path> shared;
    private final Map<String, Path> items = new LinkedHashMap<>();

    Shipment(List<Path> shared) {
      this.shared = shared.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    }

    boolean isShared(Path p) {
      Path a = p.toAbsolutePath().normalize();
      return shared.stream().anyMatch(a::startsWith);
    }

    /** The reference a cell uses for {@code p}. */
    String place(Path p, String name) {
      if (isShared(p)) {
        return p.toAbsolutePath().normalize().toString();
      }
      items.put(name, p);
      return "@job/" + name;
    }

    boolean isEmpty() {
      return items.isEmpty();
    }

    String summary() {
      long jars = items.keySet().stream().filter(k -> k.startsWith("runtime/")).count();
      List<String> other = items.keySet().stream().filter(k -> !k.startsWith("runtime/")).toList();
      return jars + " class path entries" + (other.isEmpty() ? "" : " + " + String.join(", ", other));
    }

    /** Jars and datasets are compressed already: entries are stored, which costs a copy only. */
    Path write(Path zip) throws IOException {
      try (OutputStream os = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(os)) {
        z.setLevel(Deflater.NO_COMPRESSION);
        for (Map.Entry<String, Path> e : items.entrySet()) {
          Path src = e.getValue();
          if (Files.isDirectory(src)) {
            try (Stream<Path> s = Files.walk(src)) {
              for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
                add(z, e.getKey() + "/" + src.relativize(f).toString().replace(File.separatorChar, '/'), f);
              }
            }
          } else {
            add(z, e.getKey(), src);
          }
        }
      }
      return zip;
    }

    private static void add(ZipOutputStream z, String name, Path f) throws IOException {
      z.putNextEntry(new ZipEntry(name));
      Files.copy(f, z);
      z.closeEntry();
    }
  }

  /** Where the Spark side of rgal lives: {@code rgal-spark.jar} and Spark's jars in {@code lib/}. */
  static final class SparkDist {
    private SparkDist() {}

    static Path locate() {
      List<Path> candidates = new ArrayList<>();
      String prop = System.getProperty("rgal.spark.dist");
      String env = System.getenv("RGAL_SPARK_DIST");
      if (prop != null) {
        candidates.add(Path.of(prop));
      } else if (env != null && !env.isBlank()) {
        candidates.add(Path.of(env));
      } else {
        try {
          // cli/target/rgal.jar or cli/target/classes: a distribution keeps it beside the jar
          // (spark/), a source checkout in spark/target/dist
          Path here = Path.of(ClusterCompare.class.getProtectionDomain().getCodeSource().getLocation().toURI());
          Path target = here.getParent();
          candidates.add(target.resolve("spark"));
          candidates.add(target.getParent().getParent().resolve("spark").resolve("target").resolve("dist"));
        } catch (URISyntaxException | RuntimeException e) {
          // fall through to the error
        }
      }
      for (Path c : candidates) {
        if (Files.isRegularFile(c.resolve("rgal-spark.jar")) && Files.isDirectory(c.resolve("lib"))) {
          return c;
        }
      }
      throw new DfkdException("the Spark side of rgal is not built (looked in " + candidates
          + "): run 'mvn -pl spark -am package -DskipTests', or set RGAL_SPARK_DIST to a directory with rgal-spark.jar and lib/");
    }
  }
}
