package dev.rgal.testkit;

import dev.rgal.api.tracking.RunTracker;
import dev.rgal.kernel.tracking.FileStoreTracker;
import dev.rgal.kernel.tracking.SqliteTracker;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/** The host's own run stores, for tests of trackers and of what a run logs. */
public final class TestTrackers {
  private TestTrackers() {}

  /**
   * The embedded store (MLflow's SQLite schema) in the database file {@code database}, created
   * when missing: what the host falls back to, e.g. as a {@code TrackerConfig}'s
   * {@code embeddedStore} ({@code () -> TestTrackers.embedded(db)}).
   */
  public static RunTracker embedded(Path database) {
    return SqliteTracker.open(database);
  }

  /** True if {@code tracker} is the embedded store ({@link #embedded}). */
  public static boolean isEmbedded(@Nullable RunTracker tracker) {
    return tracker instanceof SqliteTracker;
  }

  /** An MLflow file store ({@code mlruns/} layout) under {@code root}, created when missing. */
  public static FileStore fileStore(Path root) {
    return new FileStore(FileStoreTracker.open(root));
  }
}
