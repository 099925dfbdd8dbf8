package dev.rgal.incremental;

import dev.rgal.api.DfkdException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The order in which a run meets the classes (spec §1.2): a permutation of 0..K−1. Tasks take
 * consecutive slices of it, and a class's label during the run is its position in it (§1.5).
 * The named orders O0–O2 are the fixture lists of ABD's rule (CPython's seeded shuffle), shipped
 * with the project in {@code class-orders.txt}; a user may give any permutation instead.
 *
 * @param name {@code O0}…, or {@code custom} for a user list
 * @param classes the original class ids in order
 */
public record ClassOrder(String name, List<Integer> classes) {
  public ClassOrder {
    classes = List.copyOf(classes);
  }

  /** The named orders for 10-class datasets, in file order. */
  public static Map<String, ClassOrder> named() {
    Map<String, ClassOrder> out = new LinkedHashMap<>();
    try (InputStream in = ClassOrder.class.getResourceAsStream("class-orders.txt")) {
      if (in == null) {
        throw new IllegalStateException("class-orders.txt is missing from the incremental plugin jar");
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line; (line = r.readLine()) != null; ) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        int colon = line.indexOf(':');
        String name = line.substring(0, colon).trim();
        out.put(name, new ClassOrder(name, ids(line.substring(colon + 1))));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /**
   * A named order ({@code O0}, {@code O1}, {@code O2}) or a comma-separated permutation of
   * 0..numClasses−1.
   *
   * @throws DfkdException naming what is wrong and the fix
   */
  public static ClassOrder parse(String text, int numClasses) {
    String t = text.trim();
    ClassOrder named = named().get(t);
    if (named != null) {
      if (named.classes().size() != numClasses) {
        throw new DfkdException("--class-order " + t + " orders 10 classes but the dataset has " + numClasses
            + ": give the order as a list of 0.." + (numClasses - 1));
      }
      return named;
    }
    if (!t.matches("[0-9 ,]+")) {
      throw new DfkdException("--class-order '" + text + "' is neither " + String.join(", ", named().keySet())
          + " nor a comma-separated list of class ids");
    }
    ClassOrder order = new ClassOrder("custom", ids(t));
    order.check(numClasses);
    return order;
  }

  /**
   * @throws DfkdException unless the order is a permutation of 0..numClasses−1
   */
  public void check(int numClasses) {
    boolean[] seen = new boolean[numClasses];
    String fix = ": give each of 0.." + (numClasses - 1) + " exactly once";
    for (int c : classes) {
      if (c < 0 || c >= numClasses) {
        throw new DfkdException("class order " + classes + " names class " + c + ", but the dataset has classes 0.." + (numClasses - 1) + fix);
      }
      if (seen[c]) {
        throw new DfkdException("class order " + classes + " repeats class " + c + fix);
      }
      seen[c] = true;
    }
    for (int c = 0; c < numClasses; c++) {
      if (!seen[c]) {
        throw new DfkdException("class order " + classes + " omits class " + c + fix);
      }
    }
  }

  /** The run's label of an original class id: its position in the order. */
  public int position(int classId) {
    int p = classes.indexOf(classId);
    if (p < 0) {
      throw new IllegalArgumentException("class " + classId + " is not in the order " + classes);
    }
    return p;
  }

  private static List<Integer> ids(String csv) {
    List<Integer> out = new ArrayList<>();
    for (String s : csv.split(",")) {
      if (!s.isBlank()) {
        out.add(Integer.parseInt(s.trim()));
      }
    }
    return out;
  }
}
