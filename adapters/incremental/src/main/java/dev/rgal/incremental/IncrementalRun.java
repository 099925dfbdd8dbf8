package dev.rgal.incremental;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rgal.api.DataSpec;
import dev.rgal.api.DfkdException;
import dev.rgal.api.model.ArchitectureFactory;
import dev.rgal.api.model.FeatureNet;
import dev.rgal.toolkit.data.Datasets;
import dev.rgal.toolkit.data.ImageDataset;
import dev.rgal.toolkit.data.SampleGrid;
import dev.rgal.toolkit.io.AtomicFiles;
import dev.rgal.toolkit.progress.Progress;
import dev.rgal.toolkit.teacher.LoadedTeacher;
import dev.rgal.toolkit.teacher.TeacherMetadata;
import dev.rgal.toolkit.teacher.TeacherStore;
import dev.rgal.toolkit.zoo.NetWeights;
import ai.djl.ndarray.NDArray;
import dev.rgal.toolkit.graph.NoGrad;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One class-incremental run: tasks 1..T in order, each trained by the method's learner, then
 * evaluated into the accuracy matrix; after each task the model is written twice: {@code
 * task-<t>/} in the run's label layout (the state a resume continues from) and {@link
 * #deployableDir model-task-<t>/} over the dataset's class ids (what {@code rgal eval} and {@code
 * rgal export} take); {@code matrix.csv} is rewritten. Everything is written atomically.
 *
 * <p>Resume is at task granularity: {@code incremental.json} records the run's identity (dataset,
 * architecture, order, split, method, schedule, seed); a resumed run must match it, continues after
 * the last complete {@code task-<t>/}, and rebuilds the matrix rows by evaluating the saved models.
 */
@API(status = EXPERIMENTAL, since = "0.2")
public final class IncrementalRun {
  /** The run's identity file in the output directory. */
  public static final String IDENTITY = "incremental.json";
  /** The accuracy matrix, rewritten after each task. */
  public static final String MATRIX = "matrix.csv";
  /** Accuracy on the seen classes after each task, both conventions, redrawn after each task. */
  public static final String PLOT = "accuracy.png";
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

  /**
   * @param dataDir the dataset's training files, or null for the standard location
   * @param testDir the test files, or null for {@code dataDir}
   */
  public record Request(String dataset, @Nullable Path dataDir, @Nullable Path testDir, String architecture,
      ClassOrder order, TaskSplit split, String method, IncrementalSchedule schedule, long seed, Path out,
      boolean resume, RelationTerms relation, @Nullable SynthesizerInversion inversion) {
    /** A request whose inversion method (if any) inverts with its own generator. */
    public Request(String dataset, @Nullable Path dataDir, @Nullable Path testDir, String architecture,
        ClassOrder order, TaskSplit split, String method, IncrementalSchedule schedule, long seed, Path out,
        boolean resume, RelationTerms relation) {
      this(dataset, dataDir, testDir, architecture, order, split, method, schedule, seed, out, resume, relation, null);
    }

    /** A request for the plain method (no RGAL terms). */
    public Request(String dataset, @Nullable Path dataDir, @Nullable Path testDir, String architecture,
        ClassOrder order, TaskSplit split, String method, IncrementalSchedule schedule, long seed, Path out, boolean resume) {
      this(dataset, dataDir, testDir, architecture, order, split, method, schedule, seed, out, resume, RelationTerms.none());
    }
  }

  /** What one finished task reports (the listener gets it before the next task starts). */
  public record TaskReport(int task, Map<String, Double> metrics, Set<Integer> realClassesTouched, Path model,
      AccuracyMatrix matrix, boolean resumed) {}

  /** Receives each finished task, e.g. to track its metrics at step = task. */
  @FunctionalInterface
  public interface Listener {
    void afterTask(TaskReport report);
  }

  /**
   * The run's outcome; {@code taskMetrics} holds the metrics of the tasks trained in this
   * invocation (not those of resumed tasks).
   */
  public record Result(AccuracyMatrix matrix, Map<String, Double> finalMetrics, Map<Integer, Set<Integer>> realClassesTouched,
      Path matrixCsv, Path lastModel, int tasksResumed, java.util.List<Map<String, Double>> taskMetrics) {}

  private IncrementalRun() {}

  /** The methods on the class path, by name. */
  public static Map<String, IncrementalMethod> methods() {
    Map<String, IncrementalMethod> out = new TreeMap<>();
    for (IncrementalMethod m : ServiceLoader.load(IncrementalMethod.class, IncrementalRun.class.getClassLoader())) {
      out.put(m.name(), m);
    }
    return out;
  }

  /**
   * The method named {@code name} (an extension such as {@code +rgal} is ignored here: see
   * {@link #extension}), or a one-line error listing the known ones.
   */
  public static IncrementalMethod method(String name) {
    String base = name.contains("+") ? name.substring(0, name.indexOf('+')) : name;
    IncrementalMethod m = methods().get(base);
    if (m == null) {
      throw new DfkdException("unknown incremental method '" + base + "'; known: " + String.join(", ", methods().keySet()));
    }
    String ext = extension(name);
    if (ext != null && !ext.equals("rgal")) {
      throw new DfkdException("unknown extension '+" + ext + "' in '" + name + "': the incremental methods take +rgal only");
    }
    if (ext != null && !m.acceptsRelationTerms()) {
      throw new DfkdException("method '" + base + "' has no generator or replay for RGAL's terms: use +rgal with "
          + String.join(" or ", methods().values().stream().filter(IncrementalMethod::acceptsRelationTerms).map(IncrementalMethod::name).toList()));
    }
    return m;
  }

  /** The extension after '+' ({@code rgal} in {@code abd+rgal}), or null. */
  public static @Nullable String extension(String name) {
    return name.contains("+") ? name.substring(name.indexOf('+') + 1) : null;
  }

  /** The identity of a run, as written to {@value #IDENTITY}. */
  static JsonObject identity(Request r) {
    JsonObject o = new JsonObject();
    o.addProperty("dataset", r.dataset());
    o.addProperty("architecture", r.architecture());
    o.addProperty("classOrder", r.order().classes().toString());
    o.addProperty("split", r.split().sizes().toString());
    o.addProperty("method", r.method());
    o.add("schedule", GSON.toJsonTree(r.schedule().asMap()));
    o.addProperty("seed", r.seed());
    if (r.inversion() != null) {
      o.addProperty("inversion", r.inversion().name());
    }
    return o;
  }

  /**
   * Checks everything that can be checked before training: method, architecture (BN where the
   * method needs it), scenario, output directory.
   */
  static void validate(Request r, IncrementalMethod method, Map<String, ArchitectureFactory> architectures, DataSpec spec) {
    ArchitectureFactory f = architectures.get(r.architecture());
    if (f == null) {
      throw new DfkdException("unknown architecture '" + r.architecture() + "'; known: "
          + String.join(", ", new java.util.TreeSet<>(architectures.keySet())));
    }
    if (method.needsBatchNorm()) {
      try (NDManager m = NDManager.newBaseManager();
          FeatureNet probe = f.create(m, spec.channels(), spec.height(), spec.width(), spec.numClasses())) {
        if (probe.info().bnLayers() == 0) {
          throw new DfkdException("method '" + method.name() + "' inverts BatchNorm statistics but " + r.architecture()
              + " has no BatchNorm layer: use an architecture with BN (e.g. " + r.architecture() + "-bn)");
        }
      }
    }
    if (r.inversion() != null && !method.acceptsRelationTerms()) {
      throw new DfkdException("--inversion " + r.inversion().name() + " applies only to a method that inverts the previous model"
          + " (abd, rdfcil), not to '" + method.name() + "': drop --inversion or pick one of those");
    }
    Path id = r.out().resolve(IDENTITY);
    if (r.resume()) {
      if (!Files.isRegularFile(id)) {
        throw new DfkdException(r.out() + " holds no incremental run (" + IDENTITY + " missing): drop --resume or pass the run's --out");
      }
      JsonObject was;
      try {
        was = JsonParser.parseString(Files.readString(id)).getAsJsonObject();
      } catch (IOException | RuntimeException e) {
        throw new DfkdException(id + " is unreadable (" + e.getMessage() + "): start a new run in another --out");
      }
      JsonObject now = identity(r);
      java.util.Set<String> keys = new java.util.TreeSet<>(now.keySet());
      keys.addAll(was.keySet());
      for (String key : keys) {
        if (!java.util.Objects.equals(now.get(key), was.get(key))) {
          throw new DfkdException("--resume with a different " + key + " than the run started with (" + was.get(key)
              + " there, " + now.get(key) + " now): pass the original " + key + " or start a new --out");
        }
      }
    } else if (Files.exists(r.out()) && isNonEmptyDirectory(r.out())) {
      throw new DfkdException(r.out() + " already exists and is not empty: pass --resume to continue that run, or another --out");
    }
  }

  /**
   * Runs (or resumes) the request.
   *
   * @throws DfkdException on bad input, before anything is written
   */
  public static Result run(Request r, Map<String, ArchitectureFactory> architectures, Progress progress, Listener listener) {
    IncrementalMethod method = method(r.method());
    if (extension(r.method()) != null && r.relation().isEmpty()) {
      throw new IllegalArgumentException(r.method() + " needs RGAL's terms in the request (RelationTerms)");
    }
    DataSpec spec = Datasets.dataSpec(r.dataset());
    IncrementalScenario scenario = IncrementalScenario.of(r.order(), r.split());
    if (r.order().classes().size() != spec.numClasses()) {
      throw new DfkdException("the class order has " + r.order().classes().size() + " classes but " + r.dataset()
          + " has " + spec.numClasses() + ": give a permutation of 0.." + (spec.numClasses() - 1));
    }
    validate(r, method, architectures, spec);
    ImageDataset train = Datasets.open(r.dataset(), r.dataDir(), Datasets.Split.TRAIN);
    ImageDataset test = Datasets.open(r.dataset(), r.testDir() != null ? r.testDir() : r.dataDir(), Datasets.Split.TEST);
    boolean created = !Files.exists(r.out());
    try {
      Files.createDirectories(r.out());
      if (!r.resume()) {
        AtomicFiles.writeString(r.out().resolve(IDENTITY), GSON.toJson(identity(r)), AtomicFiles.Existing.REPLACE);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    AccuracyMatrix matrix = new AccuracyMatrix(scenario.tasks());
    ArchitectureFactory factory = architectures.get(r.architecture());
    IncrementalLearner learner = method.learner();
    int resumed = 0;
    Path last = r.out();
    java.util.List<Map<String, Double>> trainedMetrics = new java.util.ArrayList<>();
    try (NDManager root = NDManager.newBaseManager()) {
      // completed tasks of a resumed run: their saved models fill the matrix rows again
      while (resumed < scenario.tasks() && Files.isRegularFile(taskDir(r.out(), resumed + 1).resolve(TeacherStore.METADATA))) {
        resumed++;
        try (NDManager m = root.newSubManager()) {
          LoadedTeacher saved = TeacherStore.load(taskDir(r.out(), resumed), architectures, m);
          SeenClassEvaluator.afterTask(saved.net(), scenario, test, resumed, matrix, spec, m);
          saved.net().close();
        }
        last = taskDir(r.out(), resumed);
        listener.afterTask(new TaskReport(resumed, taskMetrics(matrix, resumed, Map.of()), Set.of(), last, matrix, true));
      }
      FeatureNet model = null;
      try {
        for (int t = resumed + 1; t <= scenario.tasks(); t++) {
          long taskSeed = 100 * r.seed() + t;
          FeatureNet previous = null;
          try (NDManager taskManager = root.newSubManager()) {
            if (t > 1) {
              previous = TeacherStore.load(taskDir(r.out(), t - 1), architectures, taskManager).net();
            }
            if (model == null || method.retrainsFromScratch()) {
              if (model != null) {
                model.close();
              }
              Engine.getInstance().setRandomSeed((int) taskSeed);
              model = factory.create(root, spec.channels(), spec.height(), spec.width(), spec.numClasses());
              if (t > 1 && !method.retrainsFromScratch()) {
                // a resumed run continues from the last saved model (checksum-verified by the load above)
                NetWeights.load(model, taskDir(r.out(), t - 1).resolve(TeacherStore.WEIGHTS));
              }
            }
            Engine.getInstance().setRandomSeed((int) taskSeed);
            int task = t;
            TaskData data = taskData(scenario, train, task, method, r.schedule().maxImagesPerTask());
            Map<String, Double> trained = learner.trainTask(new LearnerContext(t, scenario, model, previous, data,
                scenario.oldClasses(t), scenario.seenClasses(t), r.schedule(), spec, taskSeed, taskManager, root, progress,
                (images, labels) -> SampleGrid.write(r.out().resolve("replay-task-" + task + ".png"), images, labels, 8),
                new TaskCheckpoints(r.out(), t, taskManager), r.relation(), r.inversion()));
            SeenClassEvaluator.afterTask(model, scenario, test, t, matrix, spec, taskManager);
            last = taskDir(r.out(), t);
            Map<String, String> recipe = new LinkedHashMap<>(r.schedule().asMap());
            recipe.put("incremental.method", r.method());
            recipe.put("incremental.task", Integer.toString(t));
            recipe.put("incremental.seenClasses", Integer.toString(scenario.seenClasses(t)));
            recipe.put("incremental.classOrder", r.order().classes().toString());
            TeacherStore.write(last, model, new TeacherMetadata(r.architecture(), r.dataset(), spec.channels(), spec.height(),
                spec.width(), spec.numClasses(), spec.mean(), spec.std(), matrix.accuracyAfter(t, AccuracyMatrix.Averaging.POOLED),
                taskSeed, TeacherStore.WEIGHTS, "", recipe), false);
            writeDeployable(deployableDir(r.out(), t), model, r, scenario, t, matrix, spec, taskSeed, recipe);
            AtomicFiles.writeString(r.out().resolve(MATRIX), matrix.toCsv(), AtomicFiles.Existing.REPLACE);
            deleteQuietly(TaskCheckpoints.folder(r.out(), t)); // the task is complete: its epoch checkpoints are spent
            plot(r, matrix, t);
            trainedMetrics.add(taskMetrics(matrix, t, trained));
            listener.afterTask(new TaskReport(t, taskMetrics(matrix, t, trained),
                scenario.realClassesTouched().getOrDefault(t, Set.of()), last, matrix, false));
          } finally {
            if (previous != null) {
              previous.close();
            }
          }
        }
      } finally {
        if (model != null) {
          model.close();
        }
      }
    } catch (RuntimeException e) {
      if (created && !r.resume() && !Files.exists(taskDir(r.out(), 1))) {
        deleteQuietly(r.out()); // nothing of value was written: leave no run directory that looks started
      }
      throw e;
    }
    AtomicFiles.writeString(r.out().resolve(MATRIX), matrix.toCsv(), AtomicFiles.Existing.REPLACE);
    return new Result(matrix, finalMetrics(matrix), scenario.realClassesTouched(), r.out().resolve(MATRIX), last, resumed,
        trainedMetrics);
  }

  private static void plot(Request r, AccuracyMatrix m, int upTo) {
    Map<String, java.util.List<double[]>> curves = new LinkedHashMap<>();
    for (AccuracyMatrix.Averaging a : AccuracyMatrix.Averaging.values()) {
      double[] y = new double[upTo];
      for (int t = 1; t <= upTo; t++) {
        y[t - 1] = m.accuracyAfter(t, a);
      }
      curves.put(r.method() + ", " + (a == AccuracyMatrix.Averaging.POOLED ? "pooled" : "mean of tasks"), java.util.List.<double[]>of(y));
    }
    IncrementalPlot.write(r.out().resolve(PLOT), r.method() + " " + r.split().name() + " " + r.order().name(),
        "accuracy on the seen classes, %", curves);
  }

  /**
   * The deployable model after task t: a teacher directory over the dataset's own class ids (head
   * row c is class c, not its position in the order) whose unseen classes can never win (weight 0,
   * bias −10⁴), so {@code rgal eval}, {@code rgal export} and any consumer of teacher directories
   * read it without knowing the class order. Written before {@code task-<t>/} marks the task done.
   */
  public static Path deployableDir(Path out, int t) {
    return out.resolve("model-task-" + t);
  }

  private static void writeDeployable(Path dir, FeatureNet model, Request r, IncrementalScenario scenario, int t,
      AccuracyMatrix matrix, DataSpec spec, long seed, Map<String, String> recipe) {
    HeadView head = HeadView.of(model, r.method());
    NDArray w = head.weight();
    NDArray b = head.bias();
    float[] wRun = w.toFloatArray();
    float[] bRun = b.toFloatArray();
    int k = (int) w.getShape().get(0);
    int d = (int) w.getShape().get(1);
    float[] wOut = new float[wRun.length];
    float[] bOut = new float[k];
    java.util.Arrays.fill(bOut, -1e4f);
    for (int p = 0; p < scenario.seenClasses(t); p++) {
      int c = r.order().classes().get(p);
      System.arraycopy(wRun, p * d, wOut, c * d, d);
      bOut[c] = bRun[p];
    }
    Map<String, String> meta = new LinkedHashMap<>(recipe);
    meta.put("incremental.labels", "dataset class ids; unseen classes masked");
    try {
      NoGrad.run(() -> {
        w.set(FloatBuffer.wrap(wOut));
        b.set(FloatBuffer.wrap(bOut));
      });
      if (Files.exists(dir)) {
        deleteQuietly(dir); // a leftover of a task that was killed before it completed
      }
      TeacherStore.write(dir, model, new TeacherMetadata(r.architecture(), r.dataset(), spec.channels(), spec.height(),
          spec.width(), spec.numClasses(), spec.mean(), spec.std(), matrix.accuracyAfter(t, AccuracyMatrix.Averaging.POOLED),
          seed, TeacherStore.WEIGHTS, "", meta), false);
    } finally {
      NoGrad.run(() -> {
        w.set(FloatBuffer.wrap(wRun));
        b.set(FloatBuffer.wrap(bRun));
      });
    }
  }

  /** The directory of the model after task t. */
  public static Path taskDir(Path out, int t) {
    return out.resolve("task-" + t);
  }

  /** Per-task figures: accuracy on the seen classes under both conventions, old and new accuracy. */
  static Map<String, Double> taskMetrics(AccuracyMatrix m, int t, Map<String, Double> trained) {
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("accuracy_mean_of_tasks", m.accuracyAfter(t, AccuracyMatrix.Averaging.MEAN_OF_TASKS));
    out.put("accuracy_pooled", m.accuracyAfter(t, AccuracyMatrix.Averaging.POOLED));
    out.put("old_accuracy", m.oldAccuracy(t));
    out.put("new_accuracy", m.newAccuracy(t));
    trained.forEach((k, v) -> out.put("train_" + k, v));
    return out;
  }

  /** The end-of-run figures of spec §2, under both conventions. */
  public static Map<String, Double> finalMetrics(AccuracyMatrix m) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (AccuracyMatrix.Averaging a : AccuracyMatrix.Averaging.values()) {
      String s = a == AccuracyMatrix.Averaging.POOLED ? "pooled" : "tasks_mean";
      out.put("final." + s + "_final_accuracy", m.finalAccuracy(a));
      out.put("final." + s + "_avg_incremental_accuracy", m.averageIncremental(a, true));
      out.put("final." + s + "_avg_incremental_no_base_accuracy", m.averageIncremental(a, false));
    }
    out.put("final.forgetting", m.forgetting());
    return out;
  }

  private static TaskData taskData(IncrementalScenario scenario, ImageDataset train, int task, IncrementalMethod method,
      int maxImages) {
    return new TaskData() {
      @Override
      public ImageDataset newTask() {
        return cap(scenario.trainingData(train, task));
      }

      @Override
      public ImageDataset seenTasks() {
        if (!method.usesRealOldData()) {
          throw new IllegalStateException("method '" + method.name() + "' does not declare real old data: "
              + "only the new task's images are available");
        }
        return cap(scenario.trainingDataUpTo(train, task));
      }

      private ImageDataset cap(ImageDataset d) {
        return maxImages > 0 && d.size() > maxImages ? d.take(maxImages) : d;
      }
    };
  }

  private static boolean isNonEmptyDirectory(Path p) {
    if (!Files.isDirectory(p)) {
      return true;
    }
    try (var s = Files.list(p)) {
      return s.findAny().isPresent();
    } catch (IOException e) {
      return true;
    }
  }

  private static void deleteQuietly(Path dir) {
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort: the error that got us here is the one to report
    }
  }
}
