package dev.rgal.toolkit.progress;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * Where long loops report progress. The command line shows a bar with ETA; libraries and tests
 * pass {@link #silent()}. A task is closed when its loop ends, also on failure.
 */
@FunctionalInterface
@API(status = STABLE, since = "0.1")
public interface Progress {
  /** Starts a task of {@code total} units. */
  Task start(String name, long total);

  /** A running task. */
  interface Task extends AutoCloseable {
    /** Advances by {@code units} and shows {@code status} (e.g. the current loss) next to the bar. */
    void step(long units, String status);

    /** Prints a line above the bar (e.g. an epoch summary). */
    void println(String line);

    @Override
    void close();
  }

  /** Reports nothing. */
  static Progress silent() {
    return (name, total) -> new Task() {
      @Override
      public void step(long units, String status) {}

      @Override
      public void println(String line) {}

      @Override
      public void close() {}
    };
  }
}
