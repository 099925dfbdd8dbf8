package dev.rgal.cli;

import dev.rgal.api.Bindings.Registry;
import dev.rgal.api.DfkdException;
import dev.rgal.api.TermSpec;
import dev.rgal.api.options.Option;
import dev.rgal.api.options.Options;
import dev.rgal.api.training.StudentTrainerFactory;
import dev.rgal.kernel.plugin.Component;
import dev.rgal.kernel.plugin.PluginHost;
import dev.rgal.kernel.plugin.PluginInfo;
import dev.rgal.kernel.run.SpecValidator;
import dev.rgal.toolkit.spec.Suggestions;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code rgal plugins}: what was discovered, from where, and which names each plugin provides;
 * with {@code --options NAME}, the options of every component of that name, printed from the
 * components' own declarations.
 */
@Command(name = "plugins", mixinStandardHelpOptions = true, description = "List the plugins found on the class path and in the plugin directory, with their components.")
final class PluginsCommand implements Callable<Integer> {
  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @picocli.CommandLine.Option(names = "--options", paramLabel = "NAME",
      description = "Print the options of the component(s) named NAME: type, allowed values, default, description.")
  @Nullable String optionsOf;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (PluginHost host = PluginHost.discover(common.pluginDirsOrDefault())) {
      if (optionsOf != null) {
        printOptions(host, optionsOf, out);
        out.flush();
        return 0;
      }
      for (PluginInfo p : host.plugins()) {
        String built = p.toolkitVersion() == 0 ? "SPI " + p.spiVersion()
            : "SPI " + p.spiVersion() + ", toolkit " + p.toolkitVersion();
        out.printf("%s %s  (%s)  from %s%n", p.id(), p.version(), built, p.source());
        for (Registry r : Registry.values()) {
          List<String> names = host.components().stream()
              .filter(c -> c.pluginId().equals(p.id()) && c.registry() == r)
              .map(Component::name).toList();
          if (!names.isEmpty()) {
            out.printf("    %-16s %s%n", r.label() + "s:", String.join(", ", names));
          }
        }
      }
      if (host.plugins().isEmpty()) {
        out.println("no plugins found");
      }
      out.println("options of a component: rgal plugins --options NAME");
    }
    out.flush();
    return 0;
  }

  private static void printOptions(PluginHost host, String name, PrintWriter out) {
    List<Component> matches = host.components().stream().filter(c -> c.name().equals(name)).toList();
    if (matches.isEmpty()) {
      List<String> all = host.components().stream().map(Component::name).distinct().sorted().toList();
      throw new DfkdException("no component is named '" + name + "'" + Suggestions.didYouMean(name, all)
          + "; 'rgal plugins' lists them");
    }
    SpecValidator validator = new SpecValidator(host);
    boolean first = true;
    for (Component c : matches) {
      if (!first) {
        out.println();
      }
      first = false;
      Options declared = validator.declared(c.registry(), name);
      String where = settingsPath(c.registry(), name);
      out.printf("%s '%s' (plugin %s)%s%n", c.registry().label(), name, c.pluginId(),
          where == null ? ": takes no options" : declared.isEmpty() ? ": no options"
              : ": set with --set " + where + ".NAME=VALUE");
      for (Option<?> o : declared.all()) {
        String allowed = o.typeName() + (o.rangeText().isEmpty() ? "" : " " + o.rangeText());
        String def = o.defaultValue() == null ? "(unset)" : o.format(o.defaultValue());
        out.printf(Locale.ROOT, "  %-14s %-28s default %-10s %s%n", o.name(), allowed, def, o.description());
      }
      if (c.registry() == Registry.STUDENT_TRAINERS) {
        List<TermSpec> terms = host.require(Registry.STUDENT_TRAINERS, StudentTrainerFactory.class, name).defaultTerms();
        if (!terms.isEmpty()) {
          out.println("  default student terms (added when the spec names none of them): "
              + String.join(", ", terms.stream().map(t -> t.name() + " " + t.weight()).toList()));
        }
      }
    }
  }

  /** Where a component's settings go in a spec, or null for components without settings. */
  private static @Nullable String settingsPath(Registry registry, String name) {
    return switch (registry) {
      case SYNTHESIZERS -> "synthesizer.settings";
      case SYNTHESIS_TERMS -> "synthesisTerms." + name + ".settings";
      case STUDENT_TRAINERS -> "trainer.settings";
      case STUDENT_TERMS -> "studentTerms." + name + ".settings";
      default -> null;
    };
  }
}
