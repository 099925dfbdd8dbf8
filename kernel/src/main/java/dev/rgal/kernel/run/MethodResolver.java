package dev.rgal.kernel.run;

import dev.rgal.api.Bindings.Registry;
import dev.rgal.api.DfkdException;
import dev.rgal.api.MethodDefinition;
import dev.rgal.api.MethodExtension;
import dev.rgal.api.MethodPreset;
import dev.rgal.api.RunSpec;
import dev.rgal.kernel.plugin.PluginHost;
import dev.rgal.toolkit.spec.RunSpecJson;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Turns what the user typed ({@code --method fast+rgal --preset P --set k=v}) into a RunSpec:
 * the preset (or the base method's default preset), then each {@code +extension} in order, then
 * the {@code --set} overrides, then typed edits (the CLI's {@code --epochs}, {@code --seed}, …) on
 * the builder; last, {@link SpecValidator} checks every component and option. The resolved spec's
 * {@code method} is the full name, e.g. {@code fast+rgal}, and it lists every option's value.
 */
public final class MethodResolver {
  private final PluginHost host;

  public MethodResolver(PluginHost host) {
    this.host = host;
  }

  /**
   * @param method base method with optional {@code +extension}s; may be empty when a preset is named
   * @param preset preset name, or null for the base method's default preset
   * @param overrides dotted {@code key=value} overrides applied last
   */
  public RunSpec resolve(String method, @Nullable String preset, Map<String, String> overrides) {
    return resolve(method, preset, overrides, UnaryOperator.identity());
  }

  /**
   * @param edits typed changes applied after the overrides, e.g. {@code b -> b.epochs(5)}
   * @throws DfkdException (one line) for anything wrong in the spec, before any run exists
   */
  public RunSpec resolve(String method, @Nullable String preset, Map<String, String> overrides,
      UnaryOperator<RunSpec.Builder> edits) {
    List<String> parts = method.isBlank() ? List.of() : Arrays.asList(method.split("\\+"));
    RunSpec spec;
    if (preset != null) {
      MethodPreset p = host.require(Registry.PRESETS, MethodPreset.class, preset);
      spec = RunSpecJson.parse(p.json(), "preset '" + preset + "'");
      if (!parts.isEmpty() && !parts.get(0).equals(spec.method())) {
        throw new DfkdException("preset '" + preset + "' is for method '" + spec.method() + "', not '"
            + parts.get(0) + "': pass --method " + spec.method() + (parts.size() > 1 ? "+…" : "")
            + " or a preset of " + parts.get(0));
      }
    } else {
      if (parts.isEmpty()) {
        throw new DfkdException("no method given: pass --method NAME (see 'rgal plugins') or --preset NAME");
      }
      spec = defaultSpec(host.require(Registry.METHODS, MethodDefinition.class, parts.get(0)));
    }
    List<String> extensions = parts.isEmpty() ? List.of() : parts.subList(1, parts.size());
    String baseName = spec.method();
    for (String ext : extensions) {
      MethodExtension e = host.require(Registry.EXTENSIONS, MethodExtension.class, ext);
      spec = e.extend(spec);
    }
    StringBuilder full = new StringBuilder(baseName);
    extensions.forEach(e -> full.append('+').append(e));
    spec = spec.toBuilder().method(full.toString()).build();
    spec = RunSpecJson.override(spec, overrides);
    return new SpecValidator(host).validate(edits.apply(spec.toBuilder()).build());
  }

  private RunSpec defaultSpec(MethodDefinition def) {
    MethodPreset p = host.require(Registry.PRESETS, MethodPreset.class, def.defaultPreset());
    RunSpec s = RunSpecJson.parse(p.json(), "preset '" + p.name() + "'");
    return s.method().equals(def.id()) ? s : s.toBuilder().method(def.id()).build();
  }
}
