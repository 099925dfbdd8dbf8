package dev.rgal.it;

import java.nio.file.Files;
import java.nio.file.Path;

/** A small real teacher, trained once per test JVM through the command line. */
final class TinyTeacher {
  private static Path dir;

  private TinyTeacher() {}

  static synchronized Path get() throws Exception {
    if (dir == null) {
      Path work = Files.createTempDirectory("rgal-it");
      Cli.Result r = Cli.run(work, "teacher", "--epochs", "1", "--limit", "6000", "--out", "teacher", "--quiet", "--no-tracking");
      if (r.exit() != 0) {
        throw new IllegalStateException("teacher training failed: " + r.err());
      }
      dir = work.resolve("teacher");
    }
    return dir;
  }

  /** Overrides that shrink a preset to seconds (for a synthesizer with a {@code gSteps} option). */
  static String[] tiny(int epochs) {
    String[] schedule = tinySchedule(epochs);
    String[] all = java.util.Arrays.copyOf(schedule, schedule.length + 2);
    all[schedule.length] = "--set";
    all[schedule.length + 1] = "synthesizer.settings.gSteps=3";
    return all;
  }

  /** The schedule part of {@link #tiny}, for any synthesizer. */
  static String[] tinySchedule(int epochs) {
    return new String[] {"--epochs", String.valueOf(epochs), "--set", "schedule.kdStepsPerEpoch=20",
        "--set", "trainer.settings.batchSize=64", "--set", "schedule.synthesisBatchSize=64",
        "--set", "schedule.warmupCalls=1"};
  }
}
