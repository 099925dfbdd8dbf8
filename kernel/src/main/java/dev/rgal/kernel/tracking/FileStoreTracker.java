package dev.rgal.kernel.tracking;

import dev.rgal.toolkit.io.AtomicFiles;
import dev.rgal.api.DfkdException;
import dev.rgal.api.tracking.RunRecord;
import dev.rgal.api.tracking.RunStart;
import dev.rgal.api.tracking.RunTracker;
import dev.rgal.api.tracking.TrackedRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The legacy local tracker, for {@code file:} tracking URIs and for reading the {@code ./mlruns}
 * stores earlier rgal versions wrote: runs in MLflow's file-store layout under a root directory,
 * so that Python's {@code mlflow.search_runs} and
 * {@code MlflowClient.get_metric_history} with tracking URI {@code file:<root>} read them.
 *
 * <pre>
 * root/0/meta.yaml                       experiment "Default", as MLflow creates it
 * root/.trash/                           MLflow's folder for deleted experiments
 * root/&lt;exp&gt;/meta.yaml                   experiment: id, name, artifact_location, ...
 * root/&lt;exp&gt;/&lt;run&gt;/meta.yaml             run: status as a number (1 RUNNING, 3 FINISHED,
 *                                        4 FAILED, 5 KILLED), start_time, end_time, ...
 * root/&lt;exp&gt;/&lt;run&gt;/params/&lt;key&gt;        the value, nothing else
 * root/&lt;exp&gt;/&lt;run&gt;/metrics/&lt;key&gt;       one line per value: "timestamp value step"
 * root/&lt;exp&gt;/&lt;run&gt;/tags/&lt;key&gt;          the value
 * root/&lt;exp&gt;/&lt;run&gt;/artifacts/...        copied files
 * </pre>
 *
 * <p>Keys may contain {@code /} (stored as sub-folders, as MLflow does). Instances are safe to
 * use from several threads; several processes may share a root as long as they do not write the
 * same run.
 */
public final class FileStoreTracker implements RunTracker {
  /** Id and name of the experiment MLflow's file store always has. */
  public static final String DEFAULT_EXPERIMENT_ID = "0";

  public static final String DEFAULT_EXPERIMENT_NAME = "Default";

  /** The folder under which a run is kept when no other is configured. */
  public static final Path DEFAULT_ROOT = Paths.get("mlruns");

  static final String META = "meta.yaml";
  static final String TRASH = ".trash";
  // Folders inside an experiment that are not runs (MLflow's RESERVED_EXPERIMENT_FOLDERS).
  private static final List<String> RESERVED = List.of("tags", "datasets", "traces");
  // MLflow's _validate_metric_name / param / tag rule, and its key-length limit.
  private static final Pattern KEY = Pattern.compile("[\\w./\\- ]+");
  private static final int MAX_KEY = 250;

  private final Path root;

  private FileStoreTracker(Path root) {
    this.root = root;
  }

  /**
   * Opens (creating when missing) a store at {@code root}, with MLflow's Default experiment
   * "0" and its {@code .trash} folder, as {@code mlflow} itself lays out a new file store.
   *
   * @throws DfkdException if the directory cannot be created or written
   */
  public static FileStoreTracker open(Path root) {
    Path abs = root.toAbsolutePath().normalize();
    try {
      Files.createDirectories(abs);
      Files.createDirectories(abs.resolve(TRASH));
      FileStoreTracker t = new FileStoreTracker(abs);
      if (!Files.exists(abs.resolve(DEFAULT_EXPERIMENT_ID).resolve(META))) {
        t.writeExperiment(DEFAULT_EXPERIMENT_ID, DEFAULT_EXPERIMENT_NAME);
      }
      return t;
    } catch (IOException | UncheckedIOException e) {
      throw storeError(abs, e);
    }
  }

  /** The path of a {@code file:} URI or of a bare path; null for any other scheme. */
  public static @Nullable Path fileUriPath(String uri) {
    if (uri.startsWith("file:")) {
      String rest = uri.substring("file:".length());
      if (rest.startsWith("//")) {
        return Paths.get(URI.create(uri));
      }
      return Paths.get(rest);
    }
    return uri.contains("://") ? null : Paths.get(uri);
  }

  /** The store's root directory (absolute). */
  public Path root() {
    return root;
  }

  /** The tracking URI under which MLflow reads this store: {@code file:///abs/root}. */
  public String trackingUri() {
    return fileUri(root);
  }

  @Override
  public TrackedRun start(RunStart start) {
    String expId = experimentId(start.experiment(), true);
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("mlflow.runName", oneLine(start.runName()));
    tags.put("mlflow.user", System.getProperty("user.name", "unknown"));
    tags.put("mlflow.source.type", "LOCAL");
    tags.put("mlflow.source.name", "rgal");
    tags.putAll(start.tags());
    FileStoreRun run = FileStoreRun.create(this, expId, oneLine(start.runName()));
    run.setTags(tags);
    return run;
  }

  @Override
  public TrackedRun resume(String runId, RunStart start) {
    Optional<Path> dir = findRunDir(runId);
    if (dir.isPresent()) {
      return FileStoreRun.reopen(this, dir.get());
    }
    return start(RunTracker.resumedFrom(runId, start));
  }

  @Override
  public List<RunRecord> searchRuns(String experiment) {
    String expId = experimentId(experiment, false);
    if (expId == null) {
      return List.of();
    }
    Path expDir = root.resolve(expId);
    List<Map.Entry<Long, RunRecord>> found = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(expDir)) {
      for (Path dir : dirs.filter(Files::isDirectory).toList()) {
        String name = dir.getFileName().toString();
        Path meta = dir.resolve(META);
        if (RESERVED.contains(name) || !Files.isRegularFile(meta)) {
          continue;
        }
        Map<String, @Nullable String> m = FlatYaml.read(Files.readString(meta));
        if ("deleted".equals(m.get("lifecycle_stage"))) {
          continue;
        }
        Map<String, String> tags = readKeyFiles(dir.resolve("tags"));
        String runName = Optional.ofNullable(m.get("run_name")).filter(s -> !s.isEmpty())
            .orElse(tags.getOrDefault("mlflow.runName", name));
        RunRecord rec = new RunRecord(
            Optional.ofNullable(m.get("run_id")).orElse(name), runName,
            statusName(m.get("status")), readKeyFiles(dir.resolve("params")),
            readLatestMetrics(dir.resolve("metrics")), tags);
        found.add(Map.entry(parseLong(m.get("start_time")), rec));
      }
    } catch (IOException e) {
      throw storeError(expDir, e);
    }
    found.sort(Map.Entry.<Long, RunRecord>comparingByKey().reversed());
    return found.stream().map(Map.Entry::getValue).toList();
  }

  /**
   * All values of one metric of a run, in logged order, as {@code [step, timestamp, value]}
   * triples; empty when the run or the metric is unknown.
   */
  public List<double[]> metricHistory(String runId, String key) {
    Path file = findRunDir(runId).map(d -> d.resolve("metrics").resolve(key)).orElse(null);
    if (file == null || !Files.isRegularFile(file)) {
      return List.of();
    }
    List<double[]> out = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String[] f = line.strip().split(" ");
        if (f.length >= 2) {
          out.add(new double[] {f.length == 3 ? Long.parseLong(f[2]) : 0, Long.parseLong(f[0]),
              Double.parseDouble(f[1])});
        }
      }
    } catch (IOException e) {
      throw storeError(file, e);
    }
    return out;
  }

  /** The directory of a run, searching all active experiments. */
  public Optional<Path> findRunDir(String runId) {
    if (!runId.matches("[A-Za-z0-9_\\-]+")) {
      return Optional.empty();
    }
    try (Stream<Path> exps = Files.list(root)) {
      return exps.filter(p -> !p.getFileName().toString().endsWith(TRASH))
          .map(p -> p.resolve(runId))
          .filter(p -> Files.isRegularFile(p.resolve(META)))
          .findFirst();
    } catch (IOException e) {
      throw storeError(root, e);
    }
  }

  // ---------------------------------------------------------------- experiments

  /** Id of the active experiment named {@code name}; created when missing and asked to. */
  synchronized @Nullable String experimentId(String name, boolean create) {
    String clean = oneLine(name);
    try (Stream<Path> exps = Files.list(root)) {
      for (Path dir : exps.filter(Files::isDirectory).toList()) {
        Path meta = dir.resolve(META);
        if (dir.getFileName().toString().endsWith(TRASH) || !Files.isRegularFile(meta)) {
          continue;
        }
        Map<String, @Nullable String> m = FlatYaml.read(Files.readString(meta));
        if (clean.equals(m.get("name")) && !"deleted".equals(m.get("lifecycle_stage"))) {
          return Optional.ofNullable(m.get("experiment_id")).orElse(dir.getFileName().toString());
        }
      }
    } catch (IOException e) {
      throw storeError(root, e);
    }
    if (!create) {
      return null;
    }
    return createExperiment(clean);
  }

  private String createExperiment(String name) {
    long next = 1;
    try (Stream<Path> dirs = Stream.concat(Files.list(root), Files.list(root.resolve(TRASH)))) {
      next = dirs.map(p -> p.getFileName().toString()).filter(s -> s.matches("\\d{1,18}"))
          .mapToLong(Long::parseLong).max().orElse(0) + 1;
    } catch (IOException e) {
      throw storeError(root, e);
    }
    // Another process may take the same number: createDirectory is the atomic claim.
    for (int attempt = 0; attempt < 1000; attempt++, next++) {
      String id = Long.toString(next);
      try {
        Files.createDirectory(root.resolve(id));
        writeExperiment(id, name);
        return id;
      } catch (java.nio.file.FileAlreadyExistsException e) {
        // taken; try the next number
      } catch (IOException e) {
        throw storeError(root, e);
      }
    }
    throw new DfkdException("cannot allocate an experiment id in " + root
        + "; remove stray numbered folders from the store");
  }

  private void writeExperiment(String id, String name) throws IOException {
    Path dir = Files.createDirectories(root.resolve(id));
    long now = System.currentTimeMillis();
    Map<String, @Nullable Object> m = new LinkedHashMap<>();
    m.put("artifact_location", fileUri(dir));
    m.put("creation_time", now);
    m.put("experiment_id", id);
    m.put("last_update_time", now);
    m.put("lifecycle_stage", "active");
    m.put("name", name);
    writeAtomically(dir.resolve(META), FlatYaml.write(m));
  }

  // ---------------------------------------------------------------- helpers shared with runs

  /** MLflow's numeric run status codes (mlflow.entities.RunStatus). */
  static int statusCode(String name) {
    return switch (name) {
      case "RUNNING" -> 1;
      case "SCHEDULED" -> 2;
      case "FINISHED" -> 3;
      case "FAILED" -> 4;
      case "KILLED" -> 5;
      default -> throw new IllegalArgumentException("unknown run status " + name);
    };
  }

  static String statusName(@Nullable String code) {
    if (code == null) {
      return "RUNNING";
    }
    return switch (code.strip()) {
      case "1" -> "RUNNING";
      case "2" -> "SCHEDULED";
      case "3" -> "FINISHED";
      case "4" -> "FAILED";
      case "5" -> "KILLED";
      default -> code.strip().toUpperCase(Locale.ROOT);
    };
  }

  /**
   * Checks a param, metric or tag key the way MLflow does, so the store never holds a key the
   * Python reader rejects (or one that escapes the run folder).
   */
  static String checkKey(String key) {
    boolean ok = !key.isEmpty() && key.length() <= MAX_KEY && KEY.matcher(key).matches()
        && !key.startsWith("/") && !key.endsWith("/")
        && Stream.of(key.split("/")).noneMatch(s -> s.isEmpty() || s.equals("..") || s.equals("."));
    if (!ok) {
      throw new DfkdException("invalid tracking key '" + oneLine(key)
          + "'; use at most 250 letters, digits, '_', '-', '.', ' ' or '/' (no empty or '..' parts)");
    }
    return key;
  }

  static String fileUri(Path p) {
    String s = p.toAbsolutePath().normalize().toUri().toString();
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  static String oneLine(String s) {
    return s.replaceAll("[\\r\\n]+", " ");
  }

  static void writeAtomically(Path file, String text) {
    AtomicFiles.writeString(file, text, AtomicFiles.Existing.REPLACE);
  }

  static DfkdException storeError(Path where, Exception e) {
    Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
    return new DfkdException("cannot use tracking store " + where + " (" + cause
        + "); check that the directory is writable and the disk is not full", e);
  }

  private static long parseLong(@Nullable String s) {
    try {
      return s == null ? 0 : Long.parseLong(s.strip());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** Reads a params/ or tags/ folder: file path relative to it (with '/') -> content. */
  private static Map<String, String> readKeyFiles(Path dir) throws IOException {
    Map<String, String> out = new TreeMap<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String key = dir.relativize(f).toString().replace(f.getFileSystem().getSeparator(), "/");
        out.put(key, Files.readString(f, StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  /** Latest value of each metric: highest step, then latest timestamp (MLflow's rule). */
  private static Map<String, Double> readLatestMetrics(Path dir) throws IOException {
    Map<String, Double> out = new TreeMap<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String key = dir.relativize(f).toString().replace(f.getFileSystem().getSeparator(), "/");
        long[] best = null;
        double bestValue = Double.NaN;
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
          String[] p = line.strip().split(" ");
          if (p.length < 2) {
            continue;
          }
          long ts = Long.parseLong(p[0]);
          long step = p.length == 3 ? Long.parseLong(p[2]) : 0;
          if (best == null || step > best[0] || (step == best[0] && ts >= best[1])) {
            best = new long[] {step, ts};
            bestValue = Double.parseDouble(p[1]);
          }
        }
        if (best != null) {
          out.put(key, bestValue);
        }
      }
    }
    return out;
  }

}
