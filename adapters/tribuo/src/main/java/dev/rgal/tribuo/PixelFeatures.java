package dev.rgal.tribuo;

import dev.rgal.api.DfkdException;
import dev.rgal.toolkit.data.ImageDataset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.classification.Label;
import org.tribuo.impl.ArrayExample;

/**
 * Pixel feature naming: {@code prefix + zero-padded row-major CHW index}, e.g. {@code px0000} or
 * (Tribuo's {@code IDXDataSource}) {@code 000}. Zero padding makes Tribuo's sorted feature ids equal
 * pixel positions.
 */
public final class PixelFeatures {
  /** Prefix of the names rgal gives pixel features. */
  public static final String PREFIX = "px";
  private static final Pattern NAME = Pattern.compile("^(\\D*)(\\d+)$");

  private PixelFeatures() {}

  /** rgal's format for {@code count} pixels: {@code px%04d} (wider when 10^4 or more pixels). */
  public static String defaultFormat(int count) {
    return PREFIX + "%0" + Math.max(4, String.valueOf(Math.max(0, count - 1)).length()) + "d";
  }

  /** The {@code count} names of a format, in pixel order. */
  public static String[] names(String format, int count) {
    String[] n = new String[count];
    for (int i = 0; i < count; i++) {
      n[i] = String.format(java.util.Locale.ROOT, format, i);
    }
    return n;
  }

  /**
   * The format that names {@code names} (a common non-digit prefix, digits of one width), e.g.
   * {@code %03d} for {@code IDXDataSource} features.
   *
   * @throws DfkdException if the names are not pixel names of one format
   */
  public static String inferFormat(Iterable<String> names) {
    String prefix = null;
    int width = -1;
    for (String n : names) {
      Matcher m = NAME.matcher(n);
      if (!m.matches() || (prefix != null && (!prefix.equals(m.group(1)) || width != m.group(2).length()))) {
        throw new DfkdException("feature '" + n + "' is not a pixel feature named like the others (prefix + "
            + "zero-padded index, e.g. px0000 or 000): read images with IDXDataSource or name pixels " + PREFIX + "0000...");
      }
      prefix = m.group(1);
      width = m.group(2).length();
    }
    if (prefix == null) {
      throw new DfkdException("the dataset has no features: pass images");
    }
    return prefix + "%0" + width + "d";
  }

  /** The pixel index a name stands for, or −1 when it is not a pixel name. */
  public static int index(String name) {
    Matcher m = NAME.matcher(name);
    if (!m.matches()) {
      return -1;
    }
    try {
      return Integer.parseInt(m.group(2));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * Tribuo examples of images {@code [from, to)} of a dataset: features named with {@code format},
   * values in [0, 1] (uint8 / 255), label {@code labelNames[label]}.
   */
  public static List<Example<Label>> examples(ImageDataset data, int from, int to, String format, List<String> labelNames) {
    int per = data.channels() * data.height() * data.width();
    String[] names = names(format, per);
    List<Example<Label>> out = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      byte[] px = data.image(i);
      double[] v = new double[per];
      for (int k = 0; k < per; k++) {
        v[k] = (px[k] & 0xff) / 255.0;
      }
      out.add(new ArrayExample<>(new Label(labelNames.get(data.label(i))), names, v));
    }
    return out;
  }

  /**
   * Densifies an example into {@code out} (length = pixel count) as [0, 1] intensities:
   * {@code value / pixelScale}, clamped. Features that are not pixel names or lie outside the
   * image are ignored. Returns how many features were used.
   */
  static int densify(Example<Label> example, String format, float[] out, double pixelScale) {
    int used = 0;
    java.util.Arrays.fill(out, 0f);
    String prefix = format.substring(0, format.indexOf('%'));
    for (Feature f : example) {
      String n = f.getName();
      if (!n.startsWith(prefix)) {
        continue;
      }
      int i = index(n);
      if (i >= 0 && i < out.length) {
        out[i] = (float) Math.min(1, Math.max(0, f.getValue() / pixelScale));
        used++;
      }
    }
    return used;
  }
}
