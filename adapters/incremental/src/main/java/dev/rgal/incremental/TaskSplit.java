package dev.rgal.incremental;

import dev.rgal.api.DfkdException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How many new classes each task brings (spec §1.3, §7.2): a list such as {@code 2,2,2,2,2}, or a
 * named split {@code bB-incN} — a base task of B classes (B = 0: none), then tasks of N classes
 * until every class is met ({@code b0-inc2}, {@code b5-inc1}, {@code b0-inc1}).
 *
 * @param name the text it was parsed from
 * @param sizes classes per task, each ≥ 1
 */
public record TaskSplit(String name, List<Integer> sizes) {
  private static final Pattern NAMED = Pattern.compile("b(\\d+)-inc(\\d+)");

  public TaskSplit {
    sizes = List.copyOf(sizes);
  }

  /**
   * @throws DfkdException naming the problem and the fix, when the split is malformed or its
   *     sizes do not add up to {@code numClasses}
   */
  public static TaskSplit parse(String text, int numClasses) {
    String t = text.trim();
    Matcher m = NAMED.matcher(t);
    List<Integer> sizes = new ArrayList<>();
    if (m.matches()) {
      int base = Integer.parseInt(m.group(1));
      int inc = Integer.parseInt(m.group(2));
      if (inc < 1 || base > numClasses || (numClasses - base) % inc != 0) {
        throw new DfkdException("--tasks " + t + ": a base of " + base + " then steps of " + inc + " does not cover the "
            + numClasses + " classes; choose B and N with (" + numClasses + " − B) divisible by N, e.g. b0-inc2 or b5-inc1");
      }
      if (base > 0) {
        sizes.add(base);
      }
      for (int left = numClasses - base; left > 0; left -= inc) {
        sizes.add(inc);
      }
    } else if (t.matches("[0-9]+( *, *[0-9]+)*")) {
      for (String s : t.split(",")) {
        int n = Integer.parseInt(s.trim());
        if (n < 1) {
          throw new DfkdException("--tasks " + t + ": a task needs at least one class; drop the 0");
        }
        sizes.add(n);
      }
    } else {
      throw new DfkdException("--tasks '" + text + "' is neither classes per task (e.g. 2,2,2,2,2) nor a named split (b0-inc2, b5-inc1, b0-inc1)");
    }
    int total = sizes.stream().mapToInt(Integer::intValue).sum();
    if (total != numClasses) {
      throw new DfkdException("--tasks " + t + " brings " + total + " classes but the dataset has " + numClasses
          + ": make the classes per task add up to " + numClasses);
    }
    if (sizes.size() < 2) {
      throw new DfkdException("--tasks " + t + " is a single task: an incremental run needs at least two (e.g. b0-inc2)");
    }
    return new TaskSplit(t, sizes);
  }

  /** Number of tasks T. */
  public int tasks() {
    return sizes.size();
  }
}
