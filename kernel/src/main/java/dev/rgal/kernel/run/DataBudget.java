package dev.rgal.kernel.run;

import dev.rgal.api.DfkdException;
import dev.rgal.api.RunSpec;
import dev.rgal.toolkit.metrics.RunMetrics;
import java.util.Locale;

/**
 * A point on a grid's data-budget axis: about how many images a run may synthesise. A budget
 * changes only what is synthesised, never the KD compute (epochs and KD steps per epoch stay as
 * the method's preset has them), so a budget sweep varies the data alone.
 *
 * <p>{@link #fit} keeps the preset's batch, epochs and warm-up and chooses the synthesis calls
 * per epoch nearest the target; a target below one call per epoch shrinks the batch instead. The
 * images actually synthesised ({@link RunMetrics#dataBudget}) are what tables and plots show.
 *
 * @param label as written, e.g. {@code 16k}
 * @param images the target, e.g. 16000
 */
public record DataBudget(String label, int images) {
  /** Parses {@code 16000}, {@code 16k} or {@code 1.5k}. */
  public static DataBudget parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    double scale = t.endsWith("k") ? 1000 : 1;
    String number = t.endsWith("k") ? t.substring(0, t.length() - 1) : t;
    double v;
    try {
      v = Double.parseDouble(number) * scale;
    } catch (NumberFormatException e) {
      throw new DfkdException("budget '" + text + "' is not a number of images: write e.g. 8000 or 8k");
    }
    if (!(v >= 2) || v > Integer.MAX_VALUE) {
      throw new DfkdException("budget '" + text + "' is out of range: give at least 2 images (e.g. 4k)");
    }
    return new DataBudget(text.trim(), (int) Math.round(v));
  }

  /** The schedule nearest this budget (see the class comment). */
  public RunSpec.Schedule fit(RunSpec.Schedule s) {
    int perCallRounds = s.epochs(); // calls per epoch multiply this
    double callsPerEpoch = ((double) images / s.synthesisBatchSize() - s.warmupCalls()) / perCallRounds;
    int calls = (int) Math.round(callsPerEpoch);
    if (calls >= 1) {
      return new RunSpec.Schedule(s.epochs(), s.kdStepsPerEpoch(), s.synthesisBatchSize(), calls, s.warmupCalls());
    }
    int batch = (int) Math.round((double) images / (s.warmupCalls() + s.epochs()));
    if (batch < 2) {
      throw new DfkdException("budget " + label + " is too small for " + s.epochs() + " epochs with "
          + s.warmupCalls() + " warm-up calls (fewer than 2 images per call): raise the budget or lower the epochs");
    }
    return new RunSpec.Schedule(s.epochs(), s.kdStepsPerEpoch(), batch, 1, s.warmupCalls());
  }
}
