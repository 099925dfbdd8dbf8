package dev.rgal.toolkit.spec;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import org.apache.commons.text.similarity.LevenshteinDistance;

/** "Did you mean …?" for a mistyped key or name: the closest valid one by edit distance. */
@API(status = INTERNAL, since = "0.1")
public final class Suggestions {
  private static final LevenshteinDistance DISTANCE = LevenshteinDistance.getDefaultInstance();

  private Suggestions() {}

  /** The valid word closest to {@code typed}, if it is close enough to be a likely typo. */
  public static Optional<String> closest(String typed, Collection<String> valid) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    String t = typed.toLowerCase(Locale.ROOT);
    for (String v : valid) {
      int d = DISTANCE.apply(t, v.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        best = v;
        bestDistance = d;
      }
    }
    // a third of the word (at least 2 edits) still reads as a typo; more is a different word
    return best != null && bestDistance <= Math.max(2, typed.length() / 3) ? Optional.of(best) : Optional.empty();
  }

  /** {@code " (did you mean X?)"} or empty. */
  public static String didYouMean(String typed, Collection<String> valid) {
    return closest(typed, valid).map(s -> " (did you mean " + s + "?)").orElse("");
  }
}
