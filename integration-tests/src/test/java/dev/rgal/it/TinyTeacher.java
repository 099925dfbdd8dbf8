package dev.rgal.it;

import java.nio.file.Path;

/**
 * The test kit's small real teacher ({@link dev.rgal.testkit.TinyTeacher}), trained once per test
 * JVM, and the command-line overrides that shrink a preset to seconds.
 */
final class TinyTeacher {
  private TinyTeacher() {}

  static Path get() {
    return dev.rgal.testkit.TinyTeacher.lenet5bn();
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
