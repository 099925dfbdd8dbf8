package dev.rgal.kernel.tracking;

import static dev.rgal.kernel.tracking.FileStoreTracker.checkKey;
import static dev.rgal.kernel.tracking.FileStoreTracker.storeError;

import dev.rgal.api.DfkdException;
import dev.rgal.api.tracking.RunStatus;
import dev.rgal.api.tracking.TrackedRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** One run of a {@link FileStoreTracker}: a folder {@code <root>/<exp>/<runId>}. */
final class FileStoreRun implements TrackedRun {
  private final String experimentId;
  private final String runId;
  private final String runName;
  private final Path dir;
  private final long startTime;
  private @Nullable RunStatus ended;

  private final String trackingUri;

  private FileStoreRun(String experimentId, String runId, String runName, Path dir, long start,
      String trackingUri) {
    this.trackingUri = trackingUri;
    this.experimentId = experimentId;
    this.runId = runId;
    this.runName = runName;
    this.dir = dir;
    this.startTime = start;
  }

  static FileStoreRun create(FileStoreTracker store, String experimentId, String runName) {
    String runId = UUID.randomUUID().toString().replace("-", "");
    Path dir = store.root().resolve(experimentId).resolve(runId);
    FileStoreRun run = new FileStoreRun(experimentId, runId, runName, dir,
        System.currentTimeMillis(), store.trackingUri());
    try {
      Files.createDirectories(dir.resolve("metrics"));
      Files.createDirectories(dir.resolve("params"));
      Files.createDirectories(dir.resolve("tags"));
      Files.createDirectories(dir.resolve("artifacts"));
      run.writeMeta("RUNNING", null);
    } catch (IOException e) {
      throw storeError(dir, e);
    }
    return run;
  }

  @Override
  public String runId() {
    return runId;
  }

  /** Re-opens a run folder written earlier: status back to RUNNING, end time cleared. */
  static FileStoreRun reopen(FileStoreTracker store, Path dir) {
    try {
      Map<String, @Nullable String> m = FlatYaml.read(Files.readString(dir.resolve(FileStoreTracker.META)));
      String runId = dir.getFileName().toString();
      String name = m.get("run_name");
      long start = 0;
      try {
        start = Long.parseLong(String.valueOf(m.get("start_time")).strip());
      } catch (NumberFormatException e) {
        start = System.currentTimeMillis();
      }
      FileStoreRun run = new FileStoreRun(dir.getParent().getFileName().toString(), runId,
          name == null ? runId : name, dir, start, store.trackingUri());
      run.writeMeta("RUNNING", null);
      return run;
    } catch (IOException e) {
      throw storeError(dir, e);
    }
  }

  @Override
  public String trackingUri() {
    return trackingUri;
  }

  @Override
  public String location() {
    return dir.toString();
  }

  /** The run folder. */
  Path dir() {
    return dir;
  }

  @Override
  public synchronized void logParams(Map<String, String> params) {
    open();
    params.forEach((k, v) -> writeValue("params", k, v));
  }

  @Override
  public synchronized void logMetrics(long step, Map<String, Double> metrics) {
    open();
    long now = System.currentTimeMillis();
    for (Map.Entry<String, Double> e : metrics.entrySet()) {
      Path f = dir.resolve("metrics").resolve(checkKey(e.getKey()));
      // One line per value, "timestamp value step": exactly what FileStore._get_metric_from_line
      // parses. Java's NaN/Infinity/1.0E-5 spellings are all accepted by Python's float().
      String line = now + " " + e.getValue() + " " + step + "\n";
      try {
        Files.createDirectories(f.getParent());
        Files.writeString(f, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      } catch (IOException ex) {
        throw storeError(f, ex);
      }
    }
  }

  @Override
  public synchronized void setTags(Map<String, String> tags) {
    open();
    tags.forEach((k, v) -> writeValue("tags", k, v));
  }

  @Override
  public synchronized void logArtifact(Path file, String artifactDir) {
    open();
    if (!Files.isRegularFile(file)) {
      throw new DfkdException("artifact " + file + " is not a readable file; pass an existing file");
    }
    Path target = dir.resolve("artifacts");
    if (!artifactDir.isEmpty()) {
      target = target.resolve(checkKey(artifactDir));
    }
    target = target.resolve(file.getFileName().toString());
    try {
      Files.createDirectories(target.getParent());
      Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw storeError(target, e);
    }
  }

  @Override
  public synchronized void finish(RunStatus status) {
    if (ended != null) {
      return;
    }
    try {
      writeMeta(status.name(), System.currentTimeMillis());
    } catch (IOException e) {
      throw storeError(dir, e);
    }
    ended = status;
  }

  @Override
  public synchronized void close() {
    // An aborted run must never stay RUNNING.
    if (ended == null) {
      finish(RunStatus.FAILED);
    }
  }

  private void open() {
    if (ended != null) {
      throw new IllegalStateException("run " + runId + " already ended as " + ended);
    }
  }

  private void writeValue(String folder, String key, String value) {
    Path f = dir.resolve(folder).resolve(checkKey(key));
    try {
      Files.createDirectories(f.getParent());
      Files.writeString(f, value, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw storeError(f, e);
    }
  }

  private void writeMeta(String status, @Nullable Long endTime) throws IOException {
    // Same keys as FileStore._make_persisted_run_info_dict in MLflow 2.x.
    Map<String, @Nullable Object> m = new LinkedHashMap<>();
    m.put("artifact_uri", FileStoreTracker.fileUri(dir.resolve("artifacts")));
    m.put("end_time", endTime);
    m.put("entry_point_name", "");
    m.put("experiment_id", experimentId);
    m.put("lifecycle_stage", "active");
    m.put("run_id", runId);
    m.put("run_name", runName);
    m.put("run_uuid", runId);
    m.put("source_name", "");
    m.put("source_type", 4);
    m.put("source_version", "");
    m.put("start_time", startTime);
    m.put("status", FileStoreTracker.statusCode(status));
    m.put("tags", List.of());
    m.put("user_id", System.getProperty("user.name", "unknown"));
    FileStoreTracker.writeAtomically(dir.resolve(FileStoreTracker.META), FlatYaml.write(m));
  }
}
