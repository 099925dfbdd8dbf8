package dev.rgal.it.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaPackage;
import dev.rgal.api.DfkdPlugin;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.List;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * The layering of rgal's modules as ArchUnit rules, in one place so the architecture test and the
 * planted-violation test check the same rules.
 *
 * <pre>
 *   plugin-api  ←  toolkit  ←  kernel  ←  cli, spark, plugin-testkit
 *        ↖          ↖
 *         plugins (every other dev.rgal.X package: fast, cmi, rgal, mlflow, tribuo, …)
 * </pre>
 *
 * A plugin is any top-level package {@code dev.rgal.X} that is not one of the platform's own, so a
 * new plugin is covered without editing this class.
 */
final class Layering {
  static final Set<String> PLATFORM = Set.of("api", "toolkit", "kernel", "cli", "spark", "testkit", "it");

  private Layering() {}

  static final DescribedPredicate<JavaClass> IN_A_PLUGIN = new DescribedPredicate<>("in a plugin package") {
    @Override
    public boolean test(JavaClass c) {
      String top = topPackage(c);
      return top != null && !PLATFORM.contains(top);
    }
  };

  static final DescribedPredicate<JavaClass> INTERNAL_TOOLKIT_TYPE =
      new DescribedPredicate<>("a toolkit type marked @API(status = INTERNAL)") {
        @Override
        public boolean test(JavaClass c) {
          JavaClass top = c;
          while (top.getEnclosingClass().isPresent()) {
            top = top.getEnclosingClass().get();
          }
          return top.getPackageName().startsWith("dev.rgal.toolkit")
              && top.tryGetAnnotationOfType(API.class).map(a -> a.status() == API.Status.INTERNAL).orElse(false);
        }
      };

  /** The SPI depends on nothing of rgal but itself, and only on the libraries it names in its pom. */
  static final ArchRule SPI_STANDS_ALONE = classes().that().resideInAPackage("dev.rgal.api..")
      .should().onlyDependOnClassesThat().resideInAnyPackage("dev.rgal.api..", "java..", "ai.djl..",
          "com.google.inject..", "org.jspecify..", "org.apiguardian..", "org.slf4j..")
      .as("plugin-api depends only on itself, DJL, Guice, JSpecify, apiguardian and slf4j");

  static final ArchRule TOOLKIT_BELOW_THE_KERNEL = noClasses().that().resideInAPackage("dev.rgal.toolkit..")
      .should().dependOnClassesThat().resideInAnyPackage("dev.rgal.kernel..", "dev.rgal.cli..",
          "dev.rgal.spark..", "dev.rgal.testkit..")
      .orShould().dependOnClassesThat(IN_A_PLUGIN)
      .as("the toolkit depends on plugin-api only, never on the kernel or a plugin");

  static final ArchRule KERNEL_NAMES_NO_PLUGIN = noClasses().that().resideInAPackage("dev.rgal.kernel..")
      .should().dependOnClassesThat(IN_A_PLUGIN)
      .orShould().dependOnClassesThat().resideInAnyPackage("dev.rgal.cli..", "dev.rgal.spark..", "dev.rgal.testkit..")
      .as("the kernel knows no plugin and no front end");

  static final ArchRule PLUGINS_USE_PUBLISHED_SURFACES = classes().that(IN_A_PLUGIN)
      .should(new ArchCondition<JavaClass>("depend on no rgal package but plugin-api, the toolkit and their own") {
        @Override
        public void check(JavaClass origin, ConditionEvents events) {
          String own = topPackage(origin);
          for (Dependency d : origin.getDirectDependenciesFromSelf()) {
            String top = topPackage(d.getTargetClass());
            if (top != null && !top.equals(own) && !top.equals("api") && !top.equals("toolkit")) {
              events.add(SimpleConditionEvent.violated(d, d.getDescription()));
            }
          }
        }
      })
      .as("plugins depend on plugin-api and the toolkit only (and on themselves)");

  static final ArchRule PLUGINS_AVOID_INTERNAL_TOOLKIT_TYPES = noClasses().that(IN_A_PLUGIN)
      .should().dependOnClassesThat(INTERNAL_TOOLKIT_TYPE)
      .as("plugins use no toolkit type marked INTERNAL");

  /** A plugin whose classes use the toolkit says which toolkit major it was built against. */
  static final ArchRule TOOLKIT_USERS_DECLARE_THE_TOOLKIT_VERSION = classes().that(IN_A_PLUGIN)
      .and().implement(DfkdPlugin.class)
      .should(new ArchCondition<JavaClass>("override toolkitVersion() when the plugin's classes use the toolkit") {
        @Override
        public void check(JavaClass plugin, ConditionEvents events) {
          JavaPackage root = plugin.getPackage();
          while (root.getParent().isPresent() && root.getParent().get().getName().startsWith("dev.rgal.")) {
            root = root.getParent().get();
          }
          boolean usesToolkit = root.getClassesInPackageTree().stream()
              .flatMap(c -> c.getDirectDependenciesFromSelf().stream())
              .anyMatch(d -> "toolkit".equals(topPackage(d.getTargetClass())));
          boolean declares = plugin.getMethods().stream()
              .anyMatch(m -> m.getName().equals("toolkitVersion") && m.getRawParameterTypes().isEmpty());
          if (usesToolkit && !declares) {
            events.add(SimpleConditionEvent.violated(plugin, plugin.getName() + " uses the toolkit but does not"
                + " override toolkitVersion() (return ToolkitVersion.MAJOR)"));
          }
        }
      })
      .as("plugins that use the toolkit declare its version");

  static final ArchRule PUBLISHED_TYPES_DECLARE_THEIR_STABILITY = classes()
      .that().resideInAnyPackage("dev.rgal.api..", "dev.rgal.toolkit..")
      .and().arePublic().and().areTopLevelClasses().and().doNotHaveSimpleName("package-info")
      .should().beAnnotatedWith(API.class)
      .as("every public type of plugin-api and the toolkit says @API(status = ...)");

  /**
   * Every package is a slice, except that plugin-api counts as one: its root holds what all its
   * packages share ({@code DfkdException}, {@code RunSpec}) and {@code Bindings}, which names the
   * factory types of its sub-packages, so it is one published unit by design.
   */
  static final SliceAssignment PACKAGES_WITH_THE_SPI_AS_ONE = new SliceAssignment() {
    @Override
    public SliceIdentifier getIdentifierOf(JavaClass c) {
      String p = c.getPackageName();
      if (p.equals("dev.rgal.api") || p.startsWith("dev.rgal.api.")) {
        return SliceIdentifier.of("plugin-api");
      }
      return p.startsWith("dev.rgal.") ? SliceIdentifier.of(p) : SliceIdentifier.ignore();
    }

    @Override
    public String getDescription() {
      return "rgal packages (plugin-api as one)";
    }
  };

  static final ArchRule NO_PACKAGE_CYCLES = slices().assignedFrom(PACKAGES_WITH_THE_SPI_AS_ONE)
      .should().beFreeOfCycles()
      .as("no package cycles");

  static final List<ArchRule> ALL = List.of(SPI_STANDS_ALONE, TOOLKIT_BELOW_THE_KERNEL, KERNEL_NAMES_NO_PLUGIN,
      PLUGINS_USE_PUBLISHED_SURFACES, PLUGINS_AVOID_INTERNAL_TOOLKIT_TYPES, TOOLKIT_USERS_DECLARE_THE_TOOLKIT_VERSION,
      PUBLISHED_TYPES_DECLARE_THEIR_STABILITY, NO_PACKAGE_CYCLES);

  static String topPackage(JavaClass c) {
    String p = c.getPackageName();
    if (!p.startsWith("dev.rgal.")) {
      return null;
    }
    String rest = p.substring("dev.rgal.".length());
    int dot = rest.indexOf('.');
    return dot < 0 ? rest : rest.substring(0, dot);
  }
}
