package dev.rgal.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.rgal.api.Bindings.Registry;
import dev.rgal.testkit.PluginHarness;
import dev.rgal.testkit.PluginRef;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A third-party plugin jar ({@code integration-tests/fixture-plugin}, built by Maven and kept off
 * the class path; built on plugin-api and the toolkit only) dropped into a plugin directory: the
 * unchanged command line lists its components and runs its method, and the student learns from
 * its images. Jars that clash with a shipped name or speak another SPI are refused.
 */
class ThirdPartyPluginTest {
  @TempDir Path tmp;

  static Path fixtureJar() {
    Path jar = Path.of(System.getProperty("rgal.fixturePluginJar", "target/fixture-plugin/fixture-plugin.jar"));
    assertTrue(Files.isRegularFile(jar), "fixture plugin jar missing: " + jar + " (build with mvn verify)");
    return jar;
  }

  @Test
  void dropInJarIsListedAndItsMethodTeachesTheStudent() throws Exception {
    Path plugins = Files.createDirectories(tmp.resolve("my-plugins"));
    Files.copy(fixtureJar(), plugins.resolve("pixel-inversion-plugin.jar"));
    Path teacher = TinyTeacher.get();

    Cli.Result listed = Cli.run(tmp, "plugins", "--plugin-dir", plugins.toString());
    assertEquals(0, listed.exit(), listed.err());
    assertTrue(listed.out().contains("pixel-inversion 0.1.0-SNAPSHOT  (SPI " + dev.rgal.api.SpiVersion.MAJOR + ", toolkit "
        + dev.rgal.toolkit.ToolkitVersion.MAJOR + ")  from "
        + plugins.resolve("pixel-inversion-plugin.jar")), listed.out());
    assertTrue(listed.out().lines().anyMatch(l -> l.matches("\\s+synthesizers:\\s+pixel-inversion")), listed.out());
    assertTrue(listed.out().lines().anyMatch(l -> l.matches("\\s+student terms:\\s+logit-l2")), listed.out());
    assertTrue(listed.out().lines().anyMatch(l -> l.matches("\\s+presets:\\s+fmnist-lenet5-pixel-inversion")), listed.out());

    // the test kit opens the same directory as a plugin's own tests would
    try (PluginHarness h = PluginHarness.open(List.of(plugins))) {
      assertEquals("pixel-inversion", h.ownerOf(Registry.SYNTHESIZERS, "pixel-inversion"));
      assertEquals("pixel-inversion", h.ownerOf(Registry.STUDENT_TERMS, "logit-l2"));
      PluginRef ref = h.plugins().stream().filter(p -> p.id().equals("pixel-inversion")).findFirst().orElseThrow();
      assertEquals(new PluginRef("pixel-inversion", "0.1.0-SNAPSHOT", dev.rgal.api.SpiVersion.MAJOR,
          plugins.resolve("pixel-inversion-plugin.jar").toString()), ref);
      assertEquals(List.of("bn", "onehot"), h.spec("pixel-inversion", java.util.Map.of()).synthesisTerms().stream()
          .map(dev.rgal.api.TermSpec::name).toList());
    }

    Cli.Result without = Cli.run(tmp, distill(teacher, "a"));
    assertEquals(1, without.exit(), without.err());
    assertTrue(without.err().contains("no plugin provides component 'pixel-inversion' (a method)"), without.err());

    List<String> args = new ArrayList<>(List.of(distill(teacher, "b")));
    args.addAll(List.of("--plugin-dir", plugins.toString(), "--test-data", "/usr/share/datasets/fashion-mnist"));
    long t0 = System.nanoTime();
    Cli.Result ran = Cli.run(tmp, args.toArray(String[]::new));
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertEquals(0, ran.exit(), ran.err());
    assertTrue(ran.out().contains("pixel-inversion: teacher"), ran.out());
    assertTrue(Files.isRegularFile(tmp.resolve("b/student.params")));
    String spec = Files.readString(tmp.resolve("b/spec.json"));
    assertTrue(spec.contains("\"logit-l2\"") && spec.contains("\"pixel-inversion\"") && spec.contains("\"bn\""), spec);
    // the method learns: the student, trained on its images alone, is far above chance (10 %) on
    // the 10,000 real test images
    JsonObject summary = JsonParser.parseString(Files.readString(tmp.resolve("b/summary.json"))).getAsJsonObject();
    double accuracy = summary.get("lastAccuracy").getAsDouble();
    System.out.printf(java.util.Locale.ROOT, "pixel-inversion from --plugin-dir: student %.4f, teacher %.4f, %.1f s%n",
        accuracy, summary.get("teacherAccuracy").getAsDouble(), seconds);
    assertTrue(accuracy >= 0.3, "student accuracy on the real test images " + accuracy + "\n" + ran.out());
  }

  @Test
  void jarBindingAShippedNameIsRefused() throws Exception {
    Path plugins = Files.createDirectories(tmp.resolve("clash"));
    Path jar = pluginJar(plugins, "copycat.jar", "copycat", dev.rgal.api.SpiVersion.MAJOR, "fast");
    Cli.Result r = Cli.run(tmp, "plugins", "--plugin-dir", plugins.toString());
    assertEquals(1, r.exit(), r.out() + r.err());
    assertTrue(r.err().contains("the synthesizer 'fast' is bound by two plugins"), r.err());
    assertTrue(r.err().contains(jar.toString()), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
  }

  @Test
  void jarOfAnotherSpiVersionIsRefused() throws Exception {
    Path plugins = Files.createDirectories(tmp.resolve("old"));
    Files.copy(fixtureJar(), plugins.resolve("pixel-inversion-plugin.jar"));
    int future = dev.rgal.api.SpiVersion.MAJOR + 1;
    Path jar = pluginJar(plugins, "from-the-future.jar", "future", future, "future-synth");
    Cli.Result r = Cli.run(tmp, "plugins", "--plugin-dir", plugins.toString());
    assertEquals(1, r.exit(), r.out() + r.err());
    assertTrue(r.err().contains("plugin 'future' in " + jar + " was built for SPI version " + future), r.err());
    assertFalse(r.out().contains("pixel-inversion"), "nothing is listed when a jar is refused: " + r.out());
  }

  private static String[] distill(Path teacher, String out) {
    List<String> a = new ArrayList<>(List.of("distill", "--teacher", teacher.toString(), "--method", "pixel-inversion",
        "--out", out, "--quiet", "--no-tracking", "--epochs", "4",
        "--set", "schedule.kdStepsPerEpoch=40", "--set", "trainer.settings.batchSize=128",
        "--set", "schedule.synthesisBatchSize=192", "--set", "synthesizer.settings.gSteps=25"));
    return a.toArray(String[]::new);
  }

  /**
   * Compiles a one-class plugin binding synthesizer {@code synthesizer} and packs it as a jar: a
   * stand-in for a third party's jar that was built wrongly.
   */
  private static Path pluginJar(Path dir, String jarName, String id, int spiVersion, String synthesizer)
      throws IOException {
    String cls = "Plugin_" + id.replace('-', '_');
    String source = """
        package thirdparty;
        public class %s implements dev.rgal.api.DfkdPlugin {
          public String id() { return "%s"; }
          public int spiVersion() { return %d; }
          public com.google.inject.Module module() {
            return binder -> dev.rgal.api.Bindings.synthesizers(binder).addBinding("%s")
                .toInstance(request -> { throw new UnsupportedOperationException(); });
          }
        }
        """.formatted(cls, id, spiVersion, synthesizer);
    Path work = Files.createTempDirectory("third-party-src");
    Path src = Files.createDirectories(work.resolve("src/thirdparty")).resolve(cls + ".java");
    Files.writeString(src, source);
    Path classes = Files.createDirectories(work.resolve("classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int rc = javac.run(null, null, null, "-proc:none", "-d", classes.toString(),
        "-cp", System.getProperty("java.class.path"), src.toString());
    assertEquals(0, rc, "the third-party source compiles");
    Path jar = dir.resolve(jarName);
    try (OutputStream os = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(os);
        Stream<Path> files = Files.walk(classes)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
        out.write(Files.readAllBytes(f));
        out.closeEntry();
      }
      out.putNextEntry(new JarEntry("META-INF/services/dev.rgal.api.DfkdPlugin"));
      out.write(("thirdparty." + cls + "\n").getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
    return jar;
  }
}
