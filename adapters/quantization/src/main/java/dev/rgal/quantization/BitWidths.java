package dev.rgal.quantization;

import dev.rgal.api.DfkdException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Weight and activation bit widths, written {@code wNaM} ({@code w4a4}, {@code w8a32}, {@code
 * w32a4}). Each is 2 to 8, or 32 for full precision (no quantizer).
 */
public record BitWidths(int weights, int activations) {
  /** Full precision. */
  public static final int FULL = 32;

  private static final Pattern FORM = Pattern.compile("w(\\d+)a(\\d+)");

  public BitWidths {
    check("weight", weights);
    check("activation", activations);
  }

  /**
   * Parses {@code wNaM}.
   *
   * @throws DfkdException for another form or a width outside 2-8 and 32
   */
  public static BitWidths parse(String text) {
    Matcher m = FORM.matcher(text);
    if (!m.matches() || m.group(1).length() > 2 || m.group(2).length() > 2) {
      throw new DfkdException("bit widths '" + text + "' are not of the form wNaM: write e.g. w4a4, w8a32 or w32a4");
    }
    return new BitWidths(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
  }

  private static void check(String what, int bits) {
    if (bits != FULL && (bits < 2 || bits > 8)) {
      throw new DfkdException(what + " bit width " + bits + " is not supported: use 2 to 8, or 32 for full precision");
    }
  }

  /** Whether a width means full precision. */
  public static boolean isFull(int bits) {
    return bits == FULL;
  }

  @Override
  public String toString() {
    return "w" + weights + "a" + activations;
  }
}
