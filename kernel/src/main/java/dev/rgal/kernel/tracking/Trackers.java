package dev.rgal.kernel.tracking;

import dev.rgal.api.Bindings.Registry;
import dev.rgal.api.DfkdException;
import dev.rgal.api.tracking.RunTracker;
import dev.rgal.api.tracking.RunTrackerFactory;
import dev.rgal.api.tracking.TrackerConfig;
import dev.rgal.kernel.plugin.PluginHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Chooses the tracker for a run: every bound {@link RunTrackerFactory} is asked in name order,
 * the engine's {@code local} store last; the first that handles the configuration wins. With no
 * tracking URI that is the embedded {@link SqliteTracker} ({@code ./mlflow.db}).
 */
public final class Trackers {
  /** Where runs go when the user names no tracking URI: MLflow's SQLite backend. */
  public static final Path DEFAULT_LOCAL_STORE = SqliteTracker.DEFAULT_DATABASE;

  /** An embedded store that does not exist yet, for readers: it holds no runs. */
  private static final RunTracker NO_RUNS = new RunTracker() {
    @Override
    public dev.rgal.api.tracking.TrackedRun start(dev.rgal.api.tracking.RunStart start) {
      throw new IllegalStateException("a reading tracker starts no runs");
    }

    @Override
    public java.util.List<dev.rgal.api.tracking.RunRecord> searchRuns(String experiment) {
      return java.util.List.of();
    }
  };

  private Trackers() {}

  /**
   * @param uri explicit tracking URI, else the {@code MLFLOW_TRACKING_URI} environment variable,
   *     else the local store
   * @param localStore the embedded store's database file
   */
  public static RunTracker open(PluginHost host, @Nullable String uri, Path localStore, boolean required) {
    String effective = effectiveUri(uri);
    TrackerConfig config = new TrackerConfig(effective, localStore, required, () -> SqliteTracker.open(localStore));
    Map<String, RunTrackerFactory> factories = host.registry(Registry.TRACKERS, RunTrackerFactory.class);
    for (Map.Entry<String, RunTrackerFactory> e : factories.entrySet()) {
      if (!e.getKey().equals("local")) {
        RunTracker t = e.getValue().create(config);
        if (t != null) {
          return t;
        }
      }
    }
    RunTrackerFactory local = factories.get("local");
    RunTracker t = local == null ? null : local.create(config);
    if (t == null) {
      throw new DfkdException("no tracker plugin handles the tracking URI '" + effective
          + "': add the mlflow plugin jar, or use an http(s)://, sqlite: or file: URI");
    }
    return t;
  }

  /**
   * As {@link #open}, for commands that only read runs ({@code rgal runs}): with no tracking URI
   * and no database yet, an MLflow file store left by earlier rgal versions in {@code mlruns/}
   * next to it is read instead (with a note on how to migrate it).
   */
  public static RunTracker openForReading(PluginHost host, @Nullable String uri, Path localStore,
      boolean required) {
    Path legacy = localStore.toAbsolutePath().normalize().resolveSibling("mlruns");
    if (effectiveUri(uri) == null && !Files.exists(localStore) && isFileStore(legacy)) {
      System.err.println("rgal: reading the MLflow file store " + legacy + " (no " + localStore
          + " yet); 'mlflow migrate-filestore' (MLflow 3.x) copies it into a SQLite database");
      return FileStoreTracker.open(legacy);
    }
    if (effectiveUri(uri) == null && !Files.exists(localStore)) {
      return NO_RUNS; // reading creates no database
    }
    return open(host, uri, localStore, required);
  }

  /**
   * The engine's {@code local} factory: no URI or a {@code sqlite:} URI opens the embedded
   * {@link SqliteTracker}; a {@code file:} URI or bare path the legacy {@link FileStoreTracker};
   * null for anything else.
   */
  public static RunTrackerFactory localFactory() {
    return config -> {
      String uri = config.trackingUri();
      if (uri == null || uri.isBlank()) {
        return SqliteTracker.open(config.localStore());
      }
      if (uri.startsWith("sqlite:")) {
        return SqliteTracker.open(sqlitePath(uri));
      }
      Path p = FileStoreTracker.fileUriPath(uri);
      return p == null ? null : FileStoreTracker.open(p);
    };
  }

  /** The database path of an MLflow {@code sqlite:} URI ({@code sqlite:///rel} or {@code sqlite:////abs}). */
  static Path sqlitePath(String uri) {
    String rest = uri.substring("sqlite:".length());
    if (!rest.startsWith("///") || rest.length() == 3) {
      throw new DfkdException("tracking URI '" + uri + "' is not a SQLite database URI; use"
          + " sqlite:///relative/mlflow.db or sqlite:////absolute/mlflow.db");
    }
    return Path.of(rest.substring(3));
  }

  private static @Nullable String effectiveUri(@Nullable String uri) {
    String effective = uri != null ? uri : System.getenv("MLFLOW_TRACKING_URI");
    return effective == null || effective.isBlank() ? null : effective;
  }

  /** A directory MLflow's file store wrote: it has experiment 0's meta.yaml. */
  private static boolean isFileStore(Path dir) {
    return Files.isRegularFile(dir.resolve(FileStoreTracker.DEFAULT_EXPERIMENT_ID).resolve(FileStoreTracker.META));
  }
}
