package dev.rgal.kernel.tracking;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads and writes the flat {@code key: scalar} YAML documents of MLflow's file store
 * ({@code meta.yaml}). Only what that store uses is supported: one mapping level, plain,
 * single-quoted and double-quoted scalars, {@code null}, and an empty flow list ({@code []}).
 */
final class FlatYaml {
  private FlatYaml() {}

  /** Renders entries in order; a {@code String} value is single-quoted, numbers stay plain. */
  static String write(Map<String, @Nullable Object> entries) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, @Nullable Object> e : entries.entrySet()) {
      sb.append(e.getKey()).append(": ");
      Object v = e.getValue();
      if (v == null) {
        sb.append("null");
      } else if (v instanceof Number || v instanceof Boolean) {
        sb.append(v);
      } else if (v instanceof java.util.List<?> l && l.isEmpty()) {
        sb.append("[]");
      } else {
        sb.append(quote(v.toString()));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  static String quote(String s) {
    // Single-quoted YAML: only the quote itself needs escaping; line breaks would fold, so
    // callers pass one-line strings (names are sanitised before they get here).
    return "'" + s.replace("'", "''") + "'";
  }

  /**
   * Parses a flat document. Values come back as strings ({@code null} for YAML null, {@code ""}
   * for {@code []}); continuation lines of a wrapped scalar are joined with one space, as YAML
   * folds them.
   */
  static Map<String, @Nullable String> read(String text) {
    Map<String, @Nullable String> out = new LinkedHashMap<>();
    String lastKey = null;
    StringBuilder pending = null;
    for (String line : text.split("\r?\n", -1)) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      boolean continuation = Character.isWhitespace(line.charAt(0)) || line.startsWith("- ");
      if (continuation && lastKey != null && pending != null) {
        pending.append(' ').append(line.strip());
        continue;
      }
      if (lastKey != null && pending != null) {
        out.put(lastKey, scalar(pending.toString()));
      }
      int colon = line.indexOf(": ");
      if (colon < 0 && line.endsWith(":")) {
        colon = line.length() - 1;
      }
      if (colon < 0) {
        lastKey = null;
        pending = null;
        continue;
      }
      lastKey = line.substring(0, colon).strip();
      pending = new StringBuilder(colon + 1 < line.length() ? line.substring(colon + 1).strip() : "");
    }
    if (lastKey != null && pending != null) {
      out.put(lastKey, scalar(pending.toString()));
    }
    return out;
  }

  private static @Nullable String scalar(String raw) {
    String s = raw.strip();
    if (s.isEmpty() || s.equals("[]") || s.equals("{}")) {
      return "";
    }
    if (s.equals("null") || s.equals("~")) {
      return null;
    }
    if (s.length() >= 2 && s.startsWith("'") && s.endsWith("'")) {
      return s.substring(1, s.length() - 1).replace("''", "'");
    }
    if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
      return unescapeDouble(s.substring(1, s.length() - 1));
    }
    return s;
  }

  private static String unescapeDouble(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\' || i + 1 >= s.length()) {
        sb.append(c);
        continue;
      }
      char n = s.charAt(++i);
      switch (n) {
        case 'n' -> sb.append('\n');
        case 't' -> sb.append('\t');
        case '"' -> sb.append('"');
        case '\\' -> sb.append('\\');
        case 'u' -> {
          if (i + 4 < s.length()) {
            sb.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
            i += 4;
          }
        }
        default -> sb.append(n);
      }
    }
    return sb.toString();
  }
}
