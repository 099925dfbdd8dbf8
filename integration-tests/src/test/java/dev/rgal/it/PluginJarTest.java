package dev.rgal.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RGAL is a drop-in jar: with it, +rgal works; without it, +rgal fails clearly and the base method still runs. */
class PluginJarTest {
  @TempDir Path tmp;
  private static final Predicate<String> WITHOUT_RGAL = e -> !e.contains("rgal-plugin");

  private static String[] args(String method, Path teacher, String out) {
    List<String> a = new ArrayList<>(List.of("distill", "--teacher", teacher.toString(), "--method", method,
        "--out", out, "--quiet", "--no-tracking"));
    a.addAll(List.of(TinyTeacher.tiny(1)));
    return a.toArray(String[]::new);
  }

  @Test
  void withAndWithoutTheRgalJar() throws Exception {
    Path teacher = TinyTeacher.get();
    Cli.Result with = Cli.run(tmp, "plugins");
    assertTrue(with.out().contains("rgal dev") && with.out().contains("rgal-relation"), with.out());
    Cli.Result without = Cli.run(tmp, WITHOUT_RGAL, "plugins");
    assertFalse(without.out().contains("rgal-relation"), without.out());
    assertTrue(without.out().contains("fast"), without.out());

    Cli.Result fails = Cli.run(tmp, WITHOUT_RGAL, args("fast+rgal", teacher, "a"));
    assertEquals(1, fails.exit(), fails.err());
    assertTrue(fails.err().contains("no plugin provides component 'rgal' (an extension)"), fails.err());

    Cli.Result base = Cli.run(tmp, WITHOUT_RGAL, args("fast", teacher, "b"));
    assertEquals(0, base.exit(), base.err());
    Cli.Result rgal = Cli.run(tmp, args("fast+rgal", teacher, "c"));
    assertEquals(0, rgal.exit(), rgal.err());
    assertTrue(rgal.out().contains("fast+rgal:"), rgal.out());
  }
}
