package dev.rgal.kernel.run;

import dev.rgal.api.Bindings.Registry;
import dev.rgal.api.ComponentSpec;
import dev.rgal.api.DfkdException;
import dev.rgal.api.RunSpec;
import dev.rgal.api.Settings;
import dev.rgal.api.TermSpec;
import dev.rgal.api.model.ArchitectureFactory;
import dev.rgal.api.options.OptionValues;
import dev.rgal.api.options.Options;
import dev.rgal.api.synthesis.SynthesisTermFactory;
import dev.rgal.api.synthesis.SynthesizerFactory;
import dev.rgal.api.training.StudentTermFactory;
import dev.rgal.api.training.StudentTrainerFactory;
import dev.rgal.api.task.TransferTaskFactory;
import dev.rgal.kernel.plugin.PluginHost;
import dev.rgal.toolkit.spec.Suggestions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks a spec against the components the plugins provide, before anything of a run exists:
 * every named component is bound, every setting is an option its component declares, of the
 * declared type and in range. Returns the spec as it will run: each component's settings hold
 * every option's value (defaults filled in, canonical text), and a trainer's
 * {@link StudentTrainerFactory#defaultTerms() default terms} are listed, so {@code spec.json} and
 * the logged params are exactly what ran. Validating a validated spec returns it unchanged.
 */
public final class SpecValidator {
  private final PluginHost host;

  public SpecValidator(PluginHost host) {
    this.host = host;
  }

  /** @throws DfkdException (one line) naming the component and key, with a fix */
  public RunSpec validate(RunSpec spec) {
    host.require(Registry.ARCHITECTURES, ArchitectureFactory.class, spec.studentArch());
    StudentTrainerFactory trainer = require(Registry.STUDENT_TRAINERS, StudentTrainerFactory.class, "trainer",
        spec.trainer().name());
    List<TermSpec> studentTerms = new ArrayList<>(spec.studentTerms());
    Set<String> named = studentTerms.stream().map(TermSpec::name).collect(Collectors.toSet());
    if (trainer.defaultTerms().stream().noneMatch(t -> named.contains(t.name()))) {
      studentTerms.addAll(trainer.defaultTerms());
    }
    TransferTaskFactory task = require(Registry.TASKS, TransferTaskFactory.class, "task", spec.task().name());
    RunSpec valid = spec.toBuilder()
        .task(component(spec.task(), Registry.TASKS, "task"))
        .synthesizer(component(spec.synthesizer(), Registry.SYNTHESIZERS, "synthesizer"))
        .synthesisTerms(terms(spec.synthesisTerms(), Registry.SYNTHESIS_TERMS, "synthesisTerms"))
        .trainer(component(spec.trainer(), Registry.STUDENT_TRAINERS, "trainer"))
        .studentTerms(terms(studentTerms, Registry.STUDENT_TERMS, "studentTerms"))
        .build();
    task.check(valid);
    return valid;
  }

  /**
   * The typed options of one component, checked as {@link #validate} does.
   *
   * @param registry where the component is bound (synthesizers, synthesis or student terms, trainers)
   */
  public OptionValues options(Registry registry, String name, Settings settings, String path) {
    Options declared = declared(registry, name);
    String label = registry.label() + " '" + name + "'";
    for (String key : settings.values().keySet()) {
      if (declared.find(key) == null) {
        throw new DfkdException(label + " has no option '" + key + "'"
            + Suggestions.didYouMean(key, declared.names()) + "; "
            + (declared.isEmpty() ? "it takes none: remove " + path + ".settings." + key
                : "valid: " + String.join(", ", declared.names()))
            + " (see 'rgal plugins --options " + name + "')");
      }
    }
    return OptionValues.parse(declared, label, path + ".settings", settings.values());
  }

  /**
   * The options the named component declares; none for registries whose components take no
   * settings in a spec (architectures, trackers, methods, extensions, presets, observers).
   *
   * @throws DfkdException if no plugin binds {@code name} in {@code registry}
   */
  public Options declared(Registry registry, String name) {
    return switch (registry) {
      case SYNTHESIZERS -> require(registry, SynthesizerFactory.class, "synthesizer", name).options();
      case SYNTHESIS_TERMS -> require(registry, SynthesisTermFactory.class, "synthesisTerms." + name, name).options();
      case STUDENT_TRAINERS -> require(registry, StudentTrainerFactory.class, "trainer", name).options();
      case STUDENT_TERMS -> require(registry, StudentTermFactory.class, "studentTerms." + name, name).options();
      case TASKS -> require(registry, TransferTaskFactory.class, "task", name).options();
      default -> Options.none();
    };
  }

  private <T> T require(Registry registry, Class<T> type, String path, String name) {
    if (name.isBlank()) {
      throw new DfkdException("the spec names no " + registry.label() + ": set " + path + ".name");
    }
    if (!host.registry(registry, type).containsKey(name)) {
      Set<String> known = host.registry(registry, type).keySet();
      throw new DfkdException("the spec's " + path + " names " + registry.label() + " '" + name
          + "', which no plugin provides" + Suggestions.didYouMean(name, known) + "; known: "
          + (known.isEmpty() ? "(none)" : String.join(", ", known))
          + " (add the plugin jar to the class path or --plugin-dir, or fix the preset)");
    }
    return host.require(registry, type, name);
  }

  private ComponentSpec component(ComponentSpec c, Registry registry, String path) {
    return new ComponentSpec(c.name(), new Settings(options(registry, c.name(), c.settings(), path).asSettings()));
  }

  private List<TermSpec> terms(List<TermSpec> terms, Registry registry, String path) {
    List<TermSpec> out = new ArrayList<>();
    Set<String> seen = new java.util.HashSet<>();
    for (TermSpec t : terms) {
      if (!seen.add(t.name())) {
        throw new DfkdException("the spec lists " + path + "." + t.name() + " twice: keep one entry");
      }
      if (!Double.isFinite(t.weight())) {
        throw new DfkdException(path + "." + t.name() + ".weight must be a finite number, got " + t.weight());
      }
      OptionValues v = options(registry, t.name(), t.settings(), path + "." + t.name());
      out.add(new TermSpec(t.name(), t.weight(), new Settings(v.asSettings())));
    }
    return out;
  }
}
