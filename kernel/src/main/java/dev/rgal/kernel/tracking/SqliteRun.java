package dev.rgal.kernel.tracking;

import dev.rgal.toolkit.io.AtomicFiles;
import static dev.rgal.kernel.tracking.FileStoreTracker.checkKey;

import dev.rgal.api.DfkdException;
import dev.rgal.api.tracking.RunStatus;
import dev.rgal.api.tracking.TrackedRun;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** One run of a {@link SqliteTracker}: rows keyed by its run id, artifacts in its folder. */
final class SqliteRun implements TrackedRun {
  // MLflow's value limits (mlflow/utils/validation.py): longer values are cut, as the server
  // tracker does, so the database never holds what MLflow itself would refuse.
  static final int MAX_PARAM_VALUE = 6000;
  static final int MAX_TAG_VALUE = 8000;

  private final SqliteTracker store;
  private final String runId;
  private final String experimentId;
  private final String artifactUri;
  private @Nullable RunStatus ended;

  SqliteRun(SqliteTracker store, String runId, String experimentId, String artifactUri) {
    this.store = store;
    this.runId = runId;
    this.experimentId = experimentId;
    this.artifactUri = artifactUri;
  }

  @Override
  public String runId() {
    return runId;
  }

  @Override
  public String trackingUri() {
    return store.trackingUri();
  }

  @Override
  public String location() {
    return store.database() + " (experiment " + experimentId + ", run " + runId
        + "; 'mlflow ui' in " + store.database().getParent() + " shows it)";
  }

  @Override
  public synchronized void logParams(Map<String, String> params) {
    checkOpen();
    params.keySet().forEach(FileStoreTracker::checkKey);
    store.write(c -> {
      for (Map.Entry<String, String> e : params.entrySet()) {
        String value = truncate(e.getValue(), MAX_PARAM_VALUE);
        String old = existingParam(c, e.getKey());
        if (old == null) {
          try (PreparedStatement ps = c.prepareStatement(
              "INSERT INTO params (\"key\", value, run_uuid) VALUES (?, ?, ?)")) {
            ps.setString(1, e.getKey());
            ps.setString(2, value);
            ps.setString(3, runId);
            ps.executeUpdate();
          }
        } else if (!old.equals(value)) {
          // MLflow refuses to change a param; say so and keep the first value.
          System.err.println("rgal: param " + e.getKey() + " of run " + runId + " stays '"
              + truncate(old, 80) + "'; MLflow does not allow changing it to '"
              + truncate(value, 80) + "'");
        }
      }
    });
  }

  @Override
  public synchronized void logMetrics(long step, Map<String, Double> metrics) {
    checkOpen();
    metrics.keySet().forEach(FileStoreTracker::checkKey);
    long now = System.currentTimeMillis();
    store.write(c -> {
      for (Map.Entry<String, Double> e : metrics.entrySet()) {
        double raw = e.getValue();
        boolean nan = Double.isNaN(raw);
        // As SqlAlchemyStore stores them: NaN as 0 with is_nan, infinities clipped to ±max.
        double value = nan ? 0 : Math.max(-Double.MAX_VALUE, Math.min(Double.MAX_VALUE, raw));
        try (PreparedStatement ps = c.prepareStatement("INSERT OR IGNORE INTO metrics (\"key\","
            + " value, timestamp, run_uuid, step, is_nan) VALUES (?, ?, ?, ?, ?, ?)")) {
          ps.setString(1, e.getKey());
          ps.setDouble(2, value);
          ps.setLong(3, now);
          ps.setString(4, runId);
          ps.setLong(5, step);
          ps.setInt(6, nan ? 1 : 0);
          ps.executeUpdate();
        }
        updateLatest(c, e.getKey(), value, now, step, nan);
      }
    });
  }

  @Override
  public synchronized void setTags(Map<String, String> tags) {
    checkOpen();
    tags.keySet().forEach(FileStoreTracker::checkKey);
    store.write(c -> upsertTags(c, runId, tags));
  }

  @Override
  public synchronized void logArtifact(Path file, String artifactDir) {
    checkOpen();
    if (!Files.isRegularFile(file)) {
      throw new DfkdException("artifact " + file + " is not a readable file; pass an existing file");
    }
    Path root = localPath(artifactUri);
    if (root == null) {
      System.err.println("rgal: run " + runId + " keeps its artifacts at " + artifactUri
          + ", which only a tracking server can write; skipped " + file.getFileName());
      return;
    }
    Path target = artifactDir.isEmpty() ? root : root.resolve(checkKey(artifactDir));
    target = target.resolve(file.getFileName().toString());
    try {
      Files.createDirectories(target.getParent());
      AtomicFiles.writeVia(target, AtomicFiles.Existing.REPLACE, tmp -> Files.copy(file, tmp));
    } catch (IOException e) {
      throw SqliteTracker.storeError(target, e);
    }
  }

  @Override
  public synchronized void finish(RunStatus status) {
    if (ended != null) {
      return;
    }
    store.write(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE runs SET status = ?, end_time = ? WHERE run_uuid = ?")) {
        ps.setString(1, status.name());
        ps.setLong(2, System.currentTimeMillis());
        ps.setString(3, runId);
        ps.executeUpdate();
      }
    });
    ended = status;
  }

  @Override
  public synchronized void close() {
    // An aborted run must never stay RUNNING.
    if (ended == null) {
      finish(RunStatus.FAILED);
    }
  }

  private void checkOpen() {
    if (ended != null) {
      throw new IllegalStateException("run " + runId + " already ended as " + ended);
    }
  }

  private @Nullable String existingParam(Connection c, String key) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT value FROM params WHERE run_uuid = ? AND \"key\" = ?")) {
      ps.setString(1, runId);
      ps.setString(2, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  /** MLflow's rule: the newest value is the one with the greatest (step, timestamp, value). */
  private void updateLatest(Connection c, String key, double value, long ts, long step,
      boolean nan) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT step, timestamp, value FROM"
        + " latest_metrics WHERE run_uuid = ? AND \"key\" = ?")) {
      ps.setString(1, runId);
      ps.setString(2, key);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          long oldStep = rs.getLong(1);
          long oldTs = rs.getLong(2);
          double oldValue = rs.getDouble(3);
          boolean newer = step != oldStep ? step > oldStep
              : ts != oldTs ? ts > oldTs : value > oldValue;
          if (!newer) {
            return;
          }
        }
      }
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO latest_metrics"
        + " (\"key\", value, timestamp, step, is_nan, run_uuid) VALUES (?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, key);
      ps.setDouble(2, value);
      ps.setLong(3, ts);
      ps.setLong(4, step);
      ps.setInt(5, nan ? 1 : 0);
      ps.setString(6, runId);
      ps.executeUpdate();
    }
  }

  static void upsertTags(Connection c, String runId, Map<String, String> tags) throws SQLException {
    for (Map.Entry<String, String> e : tags.entrySet()) {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT OR REPLACE INTO tags (\"key\", value, run_uuid) VALUES (?, ?, ?)")) {
        ps.setString(1, e.getKey());
        ps.setString(2, truncate(e.getValue(), MAX_TAG_VALUE));
        ps.setString(3, runId);
        ps.executeUpdate();
      }
    }
  }

  /** The directory of a local artifact URI (a plain path or {@code file:}); null otherwise. */
  static @Nullable Path localPath(String uri) {
    if (uri.startsWith("file:")) {
      return uri.startsWith("file://") ? Paths.get(URI.create(uri))
          : Paths.get(uri.substring("file:".length()));
    }
    return uri.startsWith("/") ? Paths.get(uri) : null;
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }
}
