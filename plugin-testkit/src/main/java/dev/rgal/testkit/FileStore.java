package dev.rgal.testkit;

import dev.rgal.api.tracking.RunRecord;
import dev.rgal.api.tracking.RunStart;
import dev.rgal.api.tracking.RunTracker;
import dev.rgal.api.tracking.TrackedRun;
import dev.rgal.kernel.tracking.FileStoreTracker;
import java.nio.file.Path;
import java.util.List;

/** An MLflow file store ({@link TestTrackers#fileStore}) whose runs' files a test can read. */
public final class FileStore implements RunTracker {
  private final FileStoreTracker store;

  FileStore(FileStoreTracker store) {
    this.store = store;
  }

  @Override
  public TrackedRun start(RunStart start) {
    return store.start(start);
  }

  @Override
  public TrackedRun resume(String runId, RunStart start) {
    return store.resume(runId, start);
  }

  @Override
  public List<RunRecord> searchRuns(String experiment) {
    return store.searchRuns(experiment);
  }

  /** The directory of the run's logged artifacts; fails when the store has no such run. */
  public Path artifactsDir(String runId) {
    return store.findRunDir(runId).orElseThrow(
        () -> new AssertionError("file store " + store.root() + " has no run " + runId)).resolve("artifacts");
  }
}
