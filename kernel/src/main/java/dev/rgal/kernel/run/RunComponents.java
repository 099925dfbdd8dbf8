package dev.rgal.kernel.run;

import dev.rgal.toolkit.metrics.RunMetrics;
import dev.rgal.toolkit.io.AtomicFiles;
import dev.rgal.toolkit.train.Seeds;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.rgal.api.Bindings.Registry;
import dev.rgal.api.ComponentRequest;
import dev.rgal.api.DataSpec;
import dev.rgal.api.DfkdException;
import dev.rgal.api.RunObserver;
import dev.rgal.api.RunOutcome;
import dev.rgal.api.RunSpec;
import dev.rgal.api.Settings;
import dev.rgal.api.Stateful;
import dev.rgal.api.TagContributor;
import dev.rgal.api.TermSpec;
import dev.rgal.api.WeightedTerm;
import dev.rgal.api.model.ArchitectureFactory;
import dev.rgal.api.model.FeatureNet;
import dev.rgal.api.synthesis.SynthesisContext;
import dev.rgal.api.synthesis.SynthesisTerm;
import dev.rgal.api.synthesis.SynthesisTermFactory;
import dev.rgal.api.synthesis.Synthesizer;
import dev.rgal.api.synthesis.SynthesizerFactory;
import dev.rgal.api.synthesis.SyntheticBatch;
import dev.rgal.api.options.OptionValues;
import dev.rgal.api.task.TaskRequest;
import dev.rgal.api.task.TransferTask;
import dev.rgal.api.task.TransferTaskFactory;
import dev.rgal.api.tracking.RunTracker;
import dev.rgal.api.tracking.TrackedRun;
import dev.rgal.api.training.StudentContext;
import dev.rgal.api.training.StudentTerm;
import dev.rgal.api.training.StudentTermFactory;
import dev.rgal.api.training.StudentTrainer;
import dev.rgal.api.training.StudentTrainerFactory;
import dev.rgal.api.training.TrainingSummary;
import dev.rgal.toolkit.platform.ProcessMemory;
import dev.rgal.toolkit.data.Datasets;
import dev.rgal.toolkit.data.ImageDataset;
import dev.rgal.toolkit.data.InMemoryDataPool;
import dev.rgal.toolkit.data.SampleGrid;
import dev.rgal.toolkit.loss.NonFiniteLossException;
import dev.rgal.kernel.plugin.PluginHost;
import dev.rgal.toolkit.progress.Progress;
import dev.rgal.toolkit.spec.RunSpecJson;
import dev.rgal.toolkit.teacher.Evaluation;
import dev.rgal.toolkit.teacher.LoadedTeacher;
import dev.rgal.toolkit.teacher.TeacherStore;
import dev.rgal.kernel.tracking.Trackers;
import dev.rgal.toolkit.zoo.NetWeights;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One run's components (synthesizer, synthesis terms, student terms, trainer, around the task
 * that owns the student), built from the plugin registries with each one's validated options,
 * and closed together (the task, which owns the student, is closed by the caller).
 */
final class RunComponents implements AutoCloseable {
  final Synthesizer synthesizer;
  final List<WeightedTerm<SynthesisTerm>> synthesisTerms;
  final List<WeightedTerm<StudentTerm>> studentTerms;
  final StudentTrainer trainer;
  final TransferTask task;

  private RunComponents(TransferTask task, Synthesizer synthesizer, List<WeightedTerm<SynthesisTerm>> synthesisTerms,
      List<WeightedTerm<StudentTerm>> studentTerms, StudentTrainer trainer) {
    this.synthesizer = synthesizer;
    this.synthesisTerms = synthesisTerms;
    this.studentTerms = studentTerms;
    this.trainer = trainer;
    this.task = task;
  }

  /** The run's task, built first: it decides what the student is. */
  static TransferTask task(PluginHost host, RunSpec spec, FeatureNet teacher, String teacherSha256, DataSpec data,
      NDManager run) {
    OptionValues options = new SpecValidator(host).options(Registry.TASKS, spec.task().name(), spec.task().settings(), "task");
    return host.require(Registry.TASKS, TransferTaskFactory.class, spec.task().name())
        .create(new TaskRequest(options, spec.seed(), spec.studentArch(), teacher, teacherSha256, data, run));
  }

  static RunComponents build(PluginHost host, RunSpec spec, FeatureNet teacher, TransferTask task,
      DataSpec data, NDManager run) {
    FeatureNet student = task.student();
    SpecValidator validator = new SpecValidator(host);
    java.util.function.BiFunction<Registry, ComponentSpecView, ComponentRequest> req =
        (registry, c) -> new ComponentRequest(validator.options(registry, c.name(), c.settings(), c.path()),
            spec.seed(), teacher.info(), student.info(), data, run);
    Synthesizer synth = host.require(Registry.SYNTHESIZERS, SynthesizerFactory.class, spec.synthesizer().name())
        .create(req.apply(Registry.SYNTHESIZERS,
            new ComponentSpecView(spec.synthesizer().name(), spec.synthesizer().settings(), "synthesizer")));
    List<WeightedTerm<SynthesisTerm>> sTerms = new ArrayList<>();
    for (TermSpec t : spec.synthesisTerms()) {
      if (t.weight() != 0) {
        SynthesisTerm term = host.require(Registry.SYNTHESIS_TERMS, SynthesisTermFactory.class, t.name())
            .create(req.apply(Registry.SYNTHESIS_TERMS,
                new ComponentSpecView(t.name(), t.settings(), "synthesisTerms." + t.name())));
        sTerms.add(new WeightedTerm<>(t.name(), t.weight(), term));
      }
    }
    List<WeightedTerm<StudentTerm>> kTerms = new ArrayList<>();
    for (TermSpec t : spec.studentTerms()) {
      if (t.weight() != 0) {
        StudentTerm term = host.require(Registry.STUDENT_TERMS, StudentTermFactory.class, t.name())
            .create(req.apply(Registry.STUDENT_TERMS,
                new ComponentSpecView(t.name(), t.settings(), "studentTerms." + t.name())));
        kTerms.add(new WeightedTerm<>(t.name(), t.weight(), term));
      }
    }
    StudentTrainer trainer = host.require(Registry.STUDENT_TRAINERS, StudentTrainerFactory.class, spec.trainer().name())
        .create(req.apply(Registry.STUDENT_TRAINERS,
            new ComponentSpecView(spec.trainer().name(), spec.trainer().settings(), "trainer")), student, kTerms);
    return new RunComponents(task, synth, sTerms, kTerms, trainer);
  }

  /** A component of the spec with where it sits, for error messages. */
  private record ComponentSpecView(String name, Settings settings, String path) {}

  /**
   * The tags the built components contribute ({@link TagContributor}), in build order.
   *
   * @throws DfkdException when two components give one key different values
   */
  Map<String, String> contributedTags() {
    Map<String, String> tags = new java.util.LinkedHashMap<>();
    Map<String, String> from = new java.util.HashMap<>();
    List<Map.Entry<String, Object>> parts = new ArrayList<>();
    parts.add(Map.entry("task", task));
    parts.add(Map.entry("synthesizer", synthesizer));
    synthesisTerms.forEach(t -> parts.add(Map.entry("synthesis term " + t.name(), t.term())));
    studentTerms.forEach(t -> parts.add(Map.entry("student term " + t.name(), t.term())));
    parts.add(Map.entry("trainer", trainer));
    for (Map.Entry<String, Object> part : parts) {
      if (part.getValue() instanceof TagContributor contributor) {
        for (Map.Entry<String, String> tag : contributor.runTags().entrySet()) {
          String before = tags.putIfAbsent(tag.getKey(), tag.getValue());
          if (before != null && !before.equals(tag.getValue())) {
            throw new DfkdException("the " + from.get(tag.getKey()) + " tags the run " + tag.getKey() + "="
                + before + " but the " + part.getKey() + " tags it " + tag.getKey() + "=" + tag.getValue()
                + ": the two components disagree; fix one of the plugins");
          }
          from.putIfAbsent(tag.getKey(), part.getKey());
        }
      }
    }
    return tags;
  }

  /** Everything with state, in a fixed order, for checkpoints. */
  List<Stateful> stateful() {
    List<Stateful> all = new ArrayList<>();
    all.add(synthesizer);
    synthesisTerms.forEach(t -> all.add(t.term()));
    studentTerms.forEach(t -> all.add(t.term()));
    all.add(trainer);
    all.add(task); // last: a task without state writes nothing, so older checkpoints still read
    return all;
  }

  @Override
  public void close() {
    trainer.close();
    synthesizer.close();
  }
}
