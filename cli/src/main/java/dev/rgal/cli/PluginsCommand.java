package dev.rgal.cli;

import dev.rgal.api.Bindings.Registry;
import dev.rgal.engine.plugin.Component;
import dev.rgal.engine.plugin.PluginHost;
import dev.rgal.engine.plugin.PluginInfo;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code rgal plugins}: what was discovered, from where, and which names each plugin provides. */
@Command(name = "plugins", mixinStandardHelpOptions = true, description = "List the plugins found on the class path and in the plugin directory, with their components.")
final class PluginsCommand implements Callable<Integer> {
  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (PluginHost host = PluginHost.discover(common.pluginDirsOrDefault())) {
      for (PluginInfo p : host.plugins()) {
        out.printf("%s %s  (SPI %d)  from %s%n", p.id(), p.version(), p.spiVersion(), p.source());
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
    }
    out.flush();
    return 0;
  }
}
