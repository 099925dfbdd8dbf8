package dev.rgal.it.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.core.importer.Locations;
import com.tngtech.archunit.lang.ArchRule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The module layering (see {@link Layering}) holds for every production class of the build, and
 * the same rules fail on classes planted to break them, so the rules cannot silently stop
 * checking anything.
 */
class ArchitectureTest {
  /** Every module whose classes must be checked; a module missing from the import fails the test. */
  static final Set<String> EXPECTED_TOP_PACKAGES = Set.of("api", "toolkit", "kernel", "testkit", "cli",
      "spark", "deepinversion", "fast", "cmi", "mlflow", "tribuo", "quantization", "rgal", "fixture");

  static JavaClasses production() {
    // The fixture plugin and the Spark module are kept off the test class path on purpose; read
    // their jars directly.
    Path fixture = Path.of(System.getProperty("rgal.fixturePluginJar", "target/fixture-plugin/fixture-plugin.jar"));
    Path spark = Path.of(System.getenv().getOrDefault("RGAL_SPARK_DIST", "../spark/target/dist"), "rgal-spark.jar");
    assertTrue(Files.isRegularFile(fixture), "missing " + fixture + " (build with mvn verify)");
    assertTrue(Files.isRegularFile(spark), "missing " + spark + " (build with mvn verify)");
    Set<Location> locations = new LinkedHashSet<>(Locations.ofPackage("dev.rgal"));
    try {
      locations.add(Location.of(new JarFile(fixture.toFile())));
      locations.add(Location.of(new JarFile(spark.toFile())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importLocations(locations);
  }

  @Test
  void everyProductionClassKeepsTheLayering() {
    JavaClasses classes = production();
    Set<String> tops = new TreeSet<>();
    classes.forEach(c -> { String t = Layering.topPackage(c); if (t != null) tops.add(t); });
    assertTrue(tops.containsAll(EXPECTED_TOP_PACKAGES), "modules not imported: "
        + new TreeSet<>(EXPECTED_TOP_PACKAGES).stream().filter(t -> !tops.contains(t)).toList());
    for (ArchRule rule : Layering.ALL) {
      rule.check(classes);
    }
  }

  @Test
  void theRulesFailOnPlantedViolations() {
    JavaClasses planted = new ClassFileImporter().importPackages("dev.rgal.planted", "dev.rgal.toolkit.planted");
    assertEquals(Set.of("dev.rgal.planted.ReachesIntoTheKernel", "dev.rgal.planted.UsesAnInternalToolkitType",
            "dev.rgal.planted.cycle.a.Ping", "dev.rgal.planted.cycle.b.Pong", "dev.rgal.toolkit.planted.Undeclared",
            "dev.rgal.planted.UndeclaredToolkitPlugin"),
        planted.stream().filter(c -> c.getEnclosingClass().isEmpty()).map(JavaClass::getName)
            .collect(java.util.stream.Collectors.toSet()));
    assertViolated(Layering.PLUGINS_USE_PUBLISHED_SURFACES, planted, "ReachesIntoTheKernel", "dev.rgal.kernel.run.Distiller");
    assertViolated(Layering.PLUGINS_AVOID_INTERNAL_TOOLKIT_TYPES, planted, "UsesAnInternalToolkitType", "Suggestions");
    assertViolated(Layering.NO_PACKAGE_CYCLES, planted, "Ping", "Pong");
    assertViolated(Layering.PUBLISHED_TYPES_DECLARE_THEIR_STABILITY, planted, "Undeclared");
    assertViolated(Layering.TOOLKIT_BELOW_THE_KERNEL, planted, "Undeclared", "PluginHost");
    assertViolated(Layering.TOOLKIT_USERS_DECLARE_THE_TOOLKIT_VERSION, planted, "UndeclaredToolkitPlugin", "toolkitVersion()");
  }

  private static void assertViolated(ArchRule rule, JavaClasses classes, String... mentions) {
    AssertionError e = assertThrows(AssertionError.class, () -> rule.check(classes), rule.getDescription());
    for (String m : mentions) {
      assertTrue(e.getMessage().contains(m), "expected '" + m + "' in: " + e.getMessage());
    }
  }
}
