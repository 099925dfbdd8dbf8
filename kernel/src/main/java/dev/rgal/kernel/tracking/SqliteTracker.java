package dev.rgal.kernel.tracking;

import static dev.rgal.kernel.tracking.FileStoreTracker.oneLine;

import dev.rgal.api.DfkdException;
import dev.rgal.api.tracking.RunRecord;
import dev.rgal.api.tracking.RunStart;
import dev.rgal.api.tracking.RunTracker;
import dev.rgal.api.tracking.TrackedRun;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.sqlite.SQLiteConfig;

/**
 * The embedded tracker: MLflow's own SQLite backend ({@code mlflow.db}), with artifacts under
 * {@code mlruns/} next to it, so that plain {@code mlflow ui} started in that directory (MLflow
 * 3.x's default tracking URI is {@code sqlite:///mlflow.db}) and the Python client read it.
 *
 * <p>The schema is the one MLflow 3.17.2 creates ({@link #SCHEMA_REVISION}, shipped as the
 * resource {@code mlflow-sqlite-schema.sql}): a missing or empty database file gets it in one
 * transaction; a database at another revision is refused, never written. Rows are written as
 * MLflow's {@code SqlAlchemyStore} writes them (run status strings, {@code mlflow.runName} tag,
 * metric history in {@code metrics} plus the newest value per key in {@code latest_metrics},
 * NaN as {@code is_nan}).
 *
 * <p>Several processes may write one database: every call opens its own connection, writes in
 * an immediate transaction and waits up to {@link #BUSY_TIMEOUT_MS} for another writer's lock.
 */
public final class SqliteTracker implements RunTracker {
  /** The alembic revision of MLflow 3.17.2's tracking schema, the only one this store writes. */
  public static final String SCHEMA_REVISION = "dc11669786a5";

  /** The MLflow release whose schema is shipped. */
  public static final String MLFLOW_VERSION = "3.17.2";

  /** Where runs go when the user names no tracking URI (MLflow 3.x's own default). */
  public static final Path DEFAULT_DATABASE = Path.of("mlflow.db");

  static final int BUSY_TIMEOUT_MS = 60_000;
  static final String WORKSPACE = "default";
  private static final String SCHEMA_RESOURCE = "mlflow-sqlite-schema.sql";

  private final Path database;
  private final Path artifactRoot;

  private SqliteTracker(Path database, Path artifactRoot) {
    this.database = database;
    this.artifactRoot = artifactRoot;
  }

  /**
   * Opens the database at {@code database}, creating it (with MLflow's experiment "Default")
   * when the file is missing or empty. Artifacts go to {@code mlruns/} in the same directory.
   *
   * @throws DfkdException if the file is not an MLflow database at {@link #SCHEMA_REVISION}, or
   *     cannot be created
   */
  public static SqliteTracker open(Path database) {
    Path db = database.toAbsolutePath().normalize();
    Path parent = db.getParent();
    SqliteTracker t = new SqliteTracker(db, parent.resolve("mlruns"));
    try {
      Files.createDirectories(parent);
    } catch (IOException e) {
      throw storeError(db, e);
    }
    t.initialise();
    return t;
  }

  /** The database file (absolute). */
  public Path database() {
    return database;
  }

  /** The directory holding the runs' artifacts ({@code mlruns} next to the database). */
  public Path artifactRoot() {
    return artifactRoot;
  }

  /** The tracking URI under which MLflow reads this store: {@code sqlite:////abs/mlflow.db}. */
  public String trackingUri() {
    return "sqlite:///" + database;
  }

  @Override
  public TrackedRun start(RunStart start) {
    String runName = oneLine(start.runName());
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("mlflow.runName", runName);
    tags.put("mlflow.user", user());
    tags.put("mlflow.source.type", "LOCAL");
    tags.put("mlflow.source.name", "rgal");
    tags.putAll(start.tags());
    tags.keySet().forEach(FileStoreTracker::checkKey);
    String runId = UUID.randomUUID().toString().replace("-", "");
    String[] created = new String[2];
    write(c -> {
      long expId = experimentId(c, oneLine(start.experiment()), true);
      String artifactUri = experimentArtifactLocation(c, expId) + "/" + runId + "/artifacts";
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO runs (run_uuid, name, source_type,"
          + " source_name, entry_point_name, user_id, status, start_time, end_time, source_version,"
          + " lifecycle_stage, artifact_uri, experiment_id, deleted_time)"
          + " VALUES (?, ?, 'UNKNOWN', '', '', ?, 'RUNNING', ?, NULL, '', 'active', ?, ?, NULL)")) {
        ps.setString(1, runId);
        ps.setString(2, runName);
        ps.setString(3, user());
        ps.setLong(4, System.currentTimeMillis());
        ps.setString(5, artifactUri);
        ps.setLong(6, expId);
        ps.executeUpdate();
      }
      SqliteRun.upsertTags(c, runId, tags);
      created[0] = Long.toString(expId);
      created[1] = artifactUri;
    });
    return new SqliteRun(this, runId, created[0], created[1]);
  }

  /**
   * Continues run {@code runId} when this database has it (status back to RUNNING; metrics
   * logged later extend its histories), else starts {@code start} tagged with the original id.
   */
  @Override
  public TrackedRun resume(String runId, RunStart start) {
    String[] found = new String[2];
    write(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT experiment_id, artifact_uri FROM runs"
          + " WHERE run_uuid = ? AND lifecycle_stage = 'active'")) {
        ps.setString(1, runId);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return;
          }
          found[0] = Long.toString(rs.getLong(1));
          found[1] = rs.getString(2);
        }
      }
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE runs SET status = 'RUNNING' WHERE run_uuid = ?")) {
        ps.setString(1, runId);
        ps.executeUpdate();
      }
    });
    if (found[0] == null) {
      return start(RunTracker.resumedFrom(runId, start));
    }
    return new SqliteRun(this, runId, found[0], found[1]);
  }

  @Override
  public List<RunRecord> searchRuns(String experiment) {
    if (!Files.exists(database)) {
      return List.of();
    }
    List<RunRecord> out = new ArrayList<>();
    read(c -> {
      long expId = experimentId(c, oneLine(experiment), false);
      if (expId < 0) {
        return;
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT run_uuid, name, status FROM runs"
          + " WHERE experiment_id = ? AND lifecycle_stage = 'active'"
          + " ORDER BY start_time DESC, run_uuid")) {
        ps.setLong(1, expId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String id = rs.getString(1);
            Map<String, String> tags = keyValues(c, "tags", id);
            String name = Optional.ofNullable(rs.getString(2)).filter(s -> !s.isEmpty())
                .orElse(tags.getOrDefault("mlflow.runName", id));
            out.add(new RunRecord(id, name, rs.getString(3), keyValues(c, "params", id),
                latestMetrics(c, id), tags));
          }
        }
      }
    });
    return out;
  }

  /**
   * All values of one metric of a run, oldest step first, as {@code [step, timestamp, value]}
   * triples; empty when the run or the metric is unknown.
   */
  public List<double[]> metricHistory(String runId, String key) {
    List<double[]> out = new ArrayList<>();
    read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT step, timestamp, value, is_nan"
          + " FROM metrics WHERE run_uuid = ? AND \"key\" = ? ORDER BY step, timestamp")) {
        ps.setString(1, runId);
        ps.setString(2, key);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new double[] {rs.getLong(1), rs.getLong(2),
                rs.getBoolean(4) ? Double.NaN : rs.getDouble(3)});
          }
        }
      }
    });
    return out;
  }

  // ------------------------------------------------------------------ schema

  private void initialise() {
    write(c -> {
      List<String> tables = new ArrayList<>();
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      if (tables.isEmpty()) {
        createSchema(c);
        if (holdsFileStore(artifactRoot)) {
          // MLflow's own default then stays the file store (its _has_existing_mlruns_data).
          System.err.println("rgal: " + artifactRoot + " holds an MLflow file store of earlier runs;"
              + " new runs go to " + database + ": browse them with 'mlflow ui --backend-store-uri "
              + trackingUri() + "'; move the old runs into a database of their own with 'mlflow"
              + " migrate-filestore --source " + artifactRoot.getParent() + " --target sqlite:///"
              + artifactRoot.getParent().resolve("old-runs.db") + "'");
        }
        return;
      }
      String revision = null;
      if (tables.contains("alembic_version")) {
        try (Statement st = c.createStatement();
            ResultSet rs = st.executeQuery("SELECT version_num FROM alembic_version")) {
          revision = rs.next() ? rs.getString(1) : null;
        }
      }
      if (!SCHEMA_REVISION.equals(revision)) {
        throw new DfkdException(database + " is " + (revision == null
            ? "not an MLflow tracking database (no alembic_version)"
            : "an MLflow database at schema revision " + revision) + "; rgal writes only revision "
            + SCHEMA_REVISION + " (MLflow " + MLFLOW_VERSION + "): run 'mlflow db upgrade "
            + trackingUri() + "' with MLflow " + MLFLOW_VERSION + ", or track to a server with"
            + " --tracking-uri");
      }
    });
  }

  /** As MLflow decides it: a numbered folder with a meta.yaml. */
  private static boolean holdsFileStore(Path dir) {
    try (var entries = Files.list(dir)) {
      return entries.anyMatch(p -> p.getFileName().toString().matches("\\d+")
          && Files.exists(p.resolve(FileStoreTracker.META)));
    } catch (IOException e) {
      return false;
    }
  }

  private void createSchema(Connection c) throws SQLException {
    String text;
    try (InputStream in = SqliteTracker.class.getResourceAsStream(SCHEMA_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource " + SCHEMA_RESOURCE + " missing from the engine jar");
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read resource " + SCHEMA_RESOURCE, e);
    }
    try (Statement st = c.createStatement()) {
      for (String sql : text.split("(?m)^;;$")) {
        String body = sql.lines().filter(l -> !l.startsWith("--")).reduce("", (a, b) -> a + b + "\n");
        if (!body.isBlank()) {
          st.execute(body);
        }
      }
    }
    insertExperiment(c, 0, "Default");
  }

  // ------------------------------------------------------------------ experiments

  /** Id of the active experiment named {@code name}; -1 when missing and not asked to create. */
  private long experimentId(Connection c, String name, boolean create) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT experiment_id, lifecycle_stage"
        + " FROM experiments WHERE name = ? AND workspace = ?")) {
      ps.setString(1, name);
      ps.setString(2, WORKSPACE);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          if ("deleted".equals(rs.getString(2))) {
            throw new DfkdException("experiment '" + name + "' is deleted in " + database
                + "; restore it (mlflow experiments restore) or choose another name");
          }
          return rs.getLong(1);
        }
      }
    }
    if (!create) {
      return -1;
    }
    long next;
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(experiment_id), 0) + 1 FROM experiments")) {
      next = rs.next() ? rs.getLong(1) : 1;
    }
    insertExperiment(c, next, name);
    return next;
  }

  private void insertExperiment(Connection c, long id, String name) throws SQLException {
    long now = System.currentTimeMillis();
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO experiments (experiment_id, name,"
        + " artifact_location, lifecycle_stage, creation_time, last_update_time, workspace)"
        + " VALUES (?, ?, ?, 'active', ?, ?, ?)")) {
      ps.setLong(1, id);
      ps.setString(2, name);
      // A plain absolute path, as MLflow itself stores a local artifact root.
      ps.setString(3, artifactRoot.resolve(Long.toString(id)).toString());
      ps.setLong(4, now);
      ps.setLong(5, now);
      ps.setString(6, WORKSPACE);
      ps.executeUpdate();
    }
  }

  private static String experimentArtifactLocation(Connection c, long expId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT artifact_location FROM experiments WHERE experiment_id = ?")) {
      ps.setLong(1, expId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        String loc = rs.getString(1);
        return loc.endsWith("/") ? loc.substring(0, loc.length() - 1) : loc;
      }
    }
  }

  // ------------------------------------------------------------------ reading

  private static Map<String, String> keyValues(Connection c, String table, String runId)
      throws SQLException {
    Map<String, String> out = new TreeMap<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT \"key\", value FROM " + table + " WHERE run_uuid = ?")) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), Optional.ofNullable(rs.getString(2)).orElse(""));
        }
      }
    }
    return out;
  }

  private static Map<String, Double> latestMetrics(Connection c, String runId) throws SQLException {
    Map<String, Double> out = new TreeMap<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT \"key\", value, is_nan FROM latest_metrics WHERE run_uuid = ?")) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getBoolean(3) ? Double.NaN : rs.getDouble(2));
        }
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ connections

  @FunctionalInterface
  interface Work {
    void run(Connection c) throws SQLException;
  }

  /** Runs {@code work} in one immediate (write-locking) transaction, committed at the end. */
  void write(Work work) {
    transaction(work, true);
  }

  private void read(Work work) {
    transaction(work, false);
  }

  private void transaction(Work work, boolean write) {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout(BUSY_TIMEOUT_MS);
    // IMMEDIATE takes the write lock at BEGIN: two writers queue on the busy timeout instead
    // of one failing when it upgrades a read lock.
    config.setTransactionMode(write ? SQLiteConfig.TransactionMode.IMMEDIATE
        : SQLiteConfig.TransactionMode.DEFERRED);
    config.setReadOnly(!write);
    try (Connection c = config.createConnection("jdbc:sqlite:" + database)) {
      c.setAutoCommit(false);
      try {
        work.run(c);
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw storeError(database, e);
    }
  }

  static DfkdException storeError(Path db, Exception e) {
    String why = String.valueOf(e.getMessage()).replaceAll("\\s+", " ");
    return new DfkdException("cannot use tracking database " + db + " (" + why + "); check that"
        + " it is an MLflow SQLite database in a writable directory, or pass --no-tracking", e);
  }

  private static String user() {
    return System.getProperty("user.name", "unknown");
  }
}
