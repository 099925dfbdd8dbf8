package dev.rgal.kernel.plugin;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Test helper: compiles a plugin from source against the test class path and packs it as a jar. */
public final class PluginJars {
  private PluginJars() {}

  /**
   * @param dir where the jar goes
   * @param jarName file name
   * @param className fully qualified plugin class
   * @param source its Java source
   */
  public static Path build(Path dir, String jarName, String className, String source) throws IOException {
    Path work = Files.createTempDirectory("plugin-src");
    Path src = work.resolve(className.replace('.', '/') + ".java");
    Files.createDirectories(src.getParent());
    Files.writeString(src, source);
    Path classes = Files.createDirectories(work.resolve("classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int rc = javac.run(null, null, null, "-proc:none", "-d", classes.toString(), "-cp",
        System.getProperty("java.class.path"), src.toString());
    if (rc != 0) {
      throw new IllegalStateException("plugin source did not compile");
    }
    Files.createDirectories(dir);
    Path jar = dir.resolve(jarName);
    try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jos = new JarOutputStream(out);
        Stream<Path> files = Files.walk(classes)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        jos.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
        jos.write(Files.readAllBytes(f));
        jos.closeEntry();
      }
      jos.putNextEntry(new JarEntry("META-INF/services/dev.rgal.api.DfkdPlugin"));
      jos.write((className + "\n").getBytes(StandardCharsets.UTF_8));
      jos.closeEntry();
    }
    return jar;
  }

  /** Source of a plugin that binds one synthesizer name (a no-op factory). */
  public static String synthesizerPlugin(String pkg, String cls, String id, String synthName, int spi) {
    return synthesizerPlugin(pkg, cls, id, synthName, spi, 0);
  }

  /** The same, reporting {@code toolkit} as the toolkit major it was built against. */
  public static String synthesizerPlugin(String pkg, String cls, String id, String synthName, int spi,
      int toolkit) {
    return String.join("\n", List.of(
        "package " + pkg + ";",
        "import com.google.inject.AbstractModule;",
        "import com.google.inject.Module;",
        "import dev.rgal.api.Bindings;",
        "import dev.rgal.api.DfkdPlugin;",
        "public class " + cls + " implements DfkdPlugin {",
        "  public String id() { return \"" + id + "\"; }",
        "  public int spiVersion() { return " + spi + "; }",
        "  public int toolkitVersion() { return " + toolkit + "; }",
        "  public Module module() {",
        "    return new AbstractModule() {",
        "      protected void configure() {",
        "        Bindings.synthesizers(binder()).addBinding(\"" + synthName + "\").toInstance(r -> { throw new UnsupportedOperationException(); });",
        "      }",
        "    };",
        "  }",
        "}"));
  }
}
