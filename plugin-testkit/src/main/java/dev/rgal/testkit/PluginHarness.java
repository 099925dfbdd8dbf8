package dev.rgal.testkit;

import dev.rgal.api.Bindings.Registry;
import dev.rgal.api.ComponentRequest;
import dev.rgal.api.ComponentSpec;
import dev.rgal.api.RunSpec;
import dev.rgal.api.Settings;
import dev.rgal.api.TermSpec;
import dev.rgal.api.WeightedTerm;
import dev.rgal.api.options.OptionValues;
import dev.rgal.api.synthesis.SynthesisTerm;
import dev.rgal.api.synthesis.SynthesisTermFactory;
import dev.rgal.api.synthesis.Synthesizer;
import dev.rgal.api.synthesis.SynthesizerFactory;
import dev.rgal.api.training.StudentTerm;
import dev.rgal.api.training.StudentTermFactory;
import dev.rgal.api.training.StudentTrainer;
import dev.rgal.api.training.StudentTrainerFactory;
import dev.rgal.kernel.plugin.PluginHost;
import dev.rgal.kernel.plugin.PluginInfo;
import dev.rgal.kernel.run.DistillRequest;
import dev.rgal.kernel.run.DistillResult;
import dev.rgal.kernel.run.Distiller;
import dev.rgal.kernel.run.EpochReport;
import dev.rgal.kernel.run.MethodResolver;
import dev.rgal.kernel.run.SpecValidator;
import dev.rgal.toolkit.progress.Progress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The plugin host as a plugin's tests see it: the plugins on the test class path (and, for a
 * built jar, in plugin directories), their registries, specs resolved and validated as the
 * command line does, components built with real typed options, and short real distillations.
 * Close it when done (it closes the host and the class loader of plugin jars).
 *
 * <pre>{@code
 * try (PluginHarness h = PluginHarness.open()) {
 *   RunSpec spec = h.spec("mine", Map.of("schedule.epochs", "2"));
 *   DistilledRun run = h.distill(RunRequest.of(TinyTeacher.lenet5bn(), spec, tmp.resolve("run")));
 *   Learning.assertStudentLearns(run, 0.3);
 * }
 * }</pre>
 */
public final class PluginHarness implements AutoCloseable {
  private final PluginHost host;

  private PluginHarness(PluginHost host) {
    this.host = host;
  }

  /** The plugins on the class path. */
  public static PluginHarness open() {
    return new PluginHarness(PluginHost.discover());
  }

  /**
   * The plugins on the class path and in every {@code *.jar} of {@code pluginDirs} (as
   * {@code --plugin-dir}). Keep a jar you drop in off the test class path, or its plugin is
   * found twice and refused.
   */
  public static PluginHarness open(List<Path> pluginDirs) {
    return new PluginHarness(PluginHost.discover(pluginDirs));
  }

  /** Every plugin loaded, in load order. */
  public List<PluginRef> plugins() {
    return host.plugins().stream().map(PluginHarness::ref).toList();
  }

  /** The ids of {@link #plugins()}. */
  public List<String> pluginIds() {
    return host.plugins().stream().map(PluginInfo::id).toList();
  }

  /** The names bound in {@code registry}, sorted. */
  public Set<String> names(Registry registry) {
    Set<String> names = new TreeSet<>();
    host.components().stream().filter(c -> c.registry() == registry).forEach(c -> names.add(c.name()));
    return names;
  }

  /** The id of the plugin that binds {@code name} in {@code registry}, or null when none does. */
  public @Nullable String ownerOf(Registry registry, String name) {
    PluginInfo owner = host.ownerOf(registry, name);
    return owner == null ? null : owner.id();
  }

  /** A registry's bindings by name. */
  public <T> Map<String, T> registry(Registry registry, Class<T> type) {
    return host.registry(registry, type);
  }

  /** One binding; a one-line {@code DfkdException} naming the registry when none is bound. */
  public <T> T require(Registry registry, Class<T> type, String name) {
    return host.require(registry, type, name);
  }

  /** {@link #spec(String, String, Map)} with the method's default preset. */
  public RunSpec spec(String method, Map<String, String> overrides) {
    return spec(method, null, overrides);
  }

  /**
   * Resolves {@code method} (with {@code +extension}s), a preset (null: the method's default)
   * and dotted overrides as {@code --method}, {@code --preset} and {@code --set} do, then
   * validates it: every option of every component is filled in.
   *
   * @throws dev.rgal.api.DfkdException as the command line would report it
   */
  public RunSpec spec(String method, @Nullable String preset, Map<String, String> overrides) {
    return new MethodResolver(host).resolve(method, preset, overrides);
  }

  /**
   * The typed options of one component, checked against its declaration as a run checks them.
   *
   * @param path where the settings sit in a spec, for messages (e.g. {@code synthesizer},
   *     {@code studentTerms.my-term})
   */
  public OptionValues options(Registry registry, String name, Settings settings, String path) {
    return new SpecValidator(host).options(registry, name, settings, path);
  }

  /**
   * A request for the component {@code name} of {@code registry}, with its validated options,
   * the bench's teacher, student, data and manager, and {@code seed}.
   */
  public ComponentRequest request(Registry registry, String name, Settings settings, String path,
      Workbench bench, long seed) {
    return bench.request(options(registry, name, settings, path), seed);
  }

  /** The spec's synthesizer, built by its plugin's factory for the bench. */
  public Synthesizer synthesizer(RunSpec spec, Workbench bench) {
    ComponentSpec s = spec.synthesizer();
    return require(Registry.SYNTHESIZERS, SynthesizerFactory.class, s.name())
        .create(request(Registry.SYNTHESIZERS, s.name(), s.settings(), "synthesizer", bench, spec.seed()));
  }

  /** The spec's synthesis terms with their weights, built for the bench. */
  public List<WeightedTerm<SynthesisTerm>> synthesisTerms(RunSpec spec, Workbench bench) {
    List<WeightedTerm<SynthesisTerm>> terms = new ArrayList<>();
    for (TermSpec t : spec.synthesisTerms()) {
      terms.add(new WeightedTerm<>(t.name(), t.weight(), require(Registry.SYNTHESIS_TERMS,
          SynthesisTermFactory.class, t.name()).create(request(Registry.SYNTHESIS_TERMS, t.name(), t.settings(),
          "synthesisTerms." + t.name(), bench, spec.seed()))));
    }
    return terms;
  }

  /** The spec's student terms with their weights, built for the bench. */
  public List<WeightedTerm<StudentTerm>> studentTerms(RunSpec spec, Workbench bench) {
    List<WeightedTerm<StudentTerm>> terms = new ArrayList<>();
    for (TermSpec t : spec.studentTerms()) {
      terms.add(new WeightedTerm<>(t.name(), t.weight(), require(Registry.STUDENT_TERMS,
          StudentTermFactory.class, t.name()).create(request(Registry.STUDENT_TERMS, t.name(), t.settings(),
          "studentTerms." + t.name(), bench, spec.seed()))));
    }
    return terms;
  }

  /** The spec's student trainer for the bench's student, adding {@code terms} to KD; close it when done. */
  public StudentTrainer trainer(RunSpec spec, Workbench bench, List<WeightedTerm<StudentTerm>> terms) {
    ComponentSpec t = spec.trainer();
    return require(Registry.STUDENT_TRAINERS, StudentTrainerFactory.class, t.name()).create(
        request(Registry.STUDENT_TRAINERS, t.name(), t.settings(), "trainer", bench, spec.seed()),
        bench.student(), terms);
  }

  /** A real distillation of the real teacher on the real test data (see {@link RunRequest#of}). */
  public DistilledRun distill(Path teacherDir, RunSpec spec, Path runDir) {
    return distill(RunRequest.of(teacherDir, spec, runDir));
  }

  /**
   * Runs the distillation exactly as {@code rgal distill} does — warm-up, synthesis, pool,
   * student training, evaluation, checkpoints, tracking, run observers — and reports it.
   *
   * @throws dev.rgal.api.DfkdException for anything the user of the command line could fix
   */
  public DistilledRun distill(RunRequest request) {
    DistillResult r = new Distiller(host, Progress.silent()).run(new DistillRequest(request.teacherDir(),
        request.spec(), request.testDataDir(), request.runDir(), false, request.tracked()));
    List<EpochResult> epochs = new ArrayList<>();
    for (EpochReport e : r.history()) {
      epochs.add(new EpochResult(e.epoch(), e.accuracy(), e.poolSize(), e.losses()));
    }
    return new DistilledRun(r.outDir(), r.studentWeights(), r.teacherAccuracy(), r.lastAccuracy(),
        r.bestAccuracy(), r.imagesSynthesized(), r.synthesisMinutes() * 60, r.kdMinutes() * 60, epochs, r.runId());
  }

  @Override
  public void close() {
    host.close();
  }

  private static PluginRef ref(PluginInfo p) {
    return new PluginRef(p.id(), p.version(), p.spiVersion(), p.source());
  }
}
