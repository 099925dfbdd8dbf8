package dev.rgal.tribuo;

import dev.rgal.toolkit.metrics.RunMetrics;
import dev.rgal.toolkit.io.AtomicFiles;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance;
import com.oracle.labs.mlrg.olcut.util.Pair;
import dev.rgal.api.DataSpec;
import dev.rgal.api.DfkdException;
import dev.rgal.api.RunSpec;
import dev.rgal.api.model.FeatureNet;
import dev.rgal.toolkit.data.Normalization;
import dev.rgal.toolkit.spec.RunSpecJson;
import dev.rgal.toolkit.teacher.TeacherMetadata;
import dev.rgal.toolkit.teacher.TeacherRecipe;
import dev.rgal.toolkit.teacher.TeacherStore;
import dev.rgal.toolkit.zoo.NetWeights;
import dev.rgal.toolkit.zoo.Zoo;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serial;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import org.jspecify.annotations.Nullable;
import org.tribuo.impl.ModelDataCarrier;
import org.tribuo.protos.core.ModelDataProto;
import org.tribuo.protos.core.ModelProto;
import org.tribuo.Example;
import org.tribuo.Excuse;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.RealInfo;
import org.tribuo.VariableInfo;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.provenance.DatasetProvenance;
import org.tribuo.provenance.ModelProvenance;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.provenance.TrainerProvenance;
import org.tribuo.provenance.impl.TrainerProvenanceImpl;

/**
 * An rgal network (teacher or distilled student) as a Tribuo {@code Model<Label>}, in the
 * ExternalModel style: the model holds the architecture name, the image geometry, the
 * normalisation and the weights as bytes (the safetensors file {@link NetWeights} writes); the
 * native network is a transient field built lazily on the first prediction, also after Java
 * deserialisation.
 *
 * <p>Features: one per pixel, named {@code format(i)} for the row-major CHW index {@code i} (by
 * default {@code px0000}...; a model trained by {@link DfkdTeacherTrainer} keeps its dataset's
 * names, e.g. {@code IDXDataSource}'s {@code 000}...). Values are intensities divided by
 * {@link #pixelScale()} to [0, 1] (scale 1 for models made from rgal directories, 255 for raw IDX
 * bytes); missing pixels are 0. Images smaller than the network input are zero-padded centred
 * (28×28 → 32×32). Labels are {@code "0".."K-1"} unless class names are given. Predictions carry
 * softmax probabilities.
 *
 * <p>Not thread-safe for concurrent prediction beyond the internal lock; {@link #close()} frees
 * the native network (it is rebuilt if the model is used again).
 */
public final class DfkdTribuoModel extends Model<Label> implements AutoCloseable {
  @Serial private static final long serialVersionUID = 1L;
  /** Version of the protobuf form ({@link #serialize()}). */
  public static final int CURRENT_VERSION = 0;
  private static final String TYPE_URL = "type.googleapis.com/dev.rgal.tribuo.DfkdTribuoModelData";
  private static final int BATCH = 256;

  private final String architecture;
  private final int channels;
  private final int height;
  private final int width;
  private final int netHeight;
  private final int netWidth;
  private final double[] mean;
  private final double[] std;
  private final double pixelScale;
  private final String featureFormat;
  private final String[] labelNames;
  private final byte[] weights;

  private transient @Nullable NDManager manager;
  private transient @Nullable FeatureNet net;

  private DfkdTribuoModel(String name, ModelProvenance provenance, ImmutableFeatureMap features,
      ImmutableOutputInfo<Label> outputs, Geometry g, String[] labelNames, byte[] weights) {
    super(name, provenance, features, outputs, true);
    this.architecture = g.architecture;
    this.channels = g.channels;
    this.height = g.height;
    this.width = g.width;
    this.netHeight = g.netHeight;
    this.netWidth = g.netWidth;
    this.mean = g.mean.clone();
    this.std = g.std.clone();
    this.pixelScale = g.pixelScale;
    this.featureFormat = g.featureFormat;
    this.labelNames = labelNames.clone();
    this.weights = weights;
  }

  /**
   * What a model needs besides weights and provenance.
   *
   * @param architecture zoo name
   * @param channels image channels
   * @param height image height of the features
   * @param width image width of the features
   * @param netHeight network input height (≥ height; padding is centred)
   * @param netWidth network input width
   * @param mean normalisation mean per channel (of [0, 1] intensities)
   * @param std normalisation std per channel
   * @param pixelScale feature value that means full intensity (1 or 255)
   * @param featureFormat pixel feature name format, e.g. {@code px%04d}
   */
  record Geometry(String architecture, int channels, int height, int width, int netHeight, int netWidth,
      double[] mean, double[] std, double pixelScale, String featureFormat) {
    static Geometry of(DataSpec spec, String architecture) {
      int n = spec.channels() * spec.height() * spec.width();
      return new Geometry(architecture, spec.channels(), spec.height(), spec.width(), spec.height(), spec.width(),
          toArray(spec.mean()), toArray(spec.std()), 1.0, PixelFeatures.defaultFormat(n));
    }
  }

  /** Builds a model; checks the geometry, weights and label count. */
  static DfkdTribuoModel create(String name, Geometry g, List<String> labelNames, byte[] weights,
      ModelProvenance provenance) {
    if (g.netHeight < g.height || g.netWidth < g.width || (g.netHeight - g.height) % 2 != 0
        || (g.netWidth - g.width) % 2 != 0) {
      throw new DfkdException("cannot pad " + g.height + "x" + g.width + " images to the network's "
          + g.netHeight + "x" + g.netWidth + ": use images no larger than the network input");
    }
    int n = g.channels * g.height * g.width;
    List<VariableInfo> infos = new ArrayList<>(n);
    String[] names = PixelFeatures.names(g.featureFormat, n);
    for (String s : names) {
      // declared range [0, pixelScale], no observations (an unobserved RealInfo has min > max,
      // which Tribuo's protobuf reader rejects)
      infos.add(new RealInfo(s, 0, g.pixelScale, 0, 0, 0));
    }
    ImmutableFeatureMap fm = new ImmutableFeatureMap(infos);
    for (int i = 0; i < n; i += Math.max(1, n / 64)) {
      if (fm.getID(names[i]) != i) {
        throw new IllegalStateException("feature ids do not follow pixel order for format " + g.featureFormat);
      }
    }
    Map<Label, Integer> ids = new LinkedHashMap<>();
    for (int k = 0; k < labelNames.size(); k++) {
      if (ids.put(new Label(labelNames.get(k)), k) != null) {
        throw new DfkdException("class name '" + labelNames.get(k) + "' appears twice: give every class its own name");
      }
    }
    ImmutableOutputInfo<Label> out = new LabelFactory().constructInfoForExternalModel(ids);
    return new DfkdTribuoModel(name, provenance, fm, out, g, labelNames.toArray(new String[0]), weights);
  }

  // ------------------------------------------------------------------------------ factories

  /**
   * A teacher directory ({@code teacher.json} + weights) as a model. The weights' SHA-256 is
   * checked against the metadata. Provenance: the teacher's recipe as the trainer
   * ({@link DfkdTeacherTrainer}'s configuration), its checksum, accuracy and source.
   *
   * @throws DfkdException if the directory is not a teacher or its weights do not match
   */
  public static DfkdTribuoModel fromTeacher(Path teacherDir) {
    TeacherMetadata m = TeacherStore.readMetadata(teacherDir);
    byte[] bytes = readWeights(teacherDir.resolve(m.weightsFile()));
    String sum = sha256(bytes);
    if (!sum.equals(m.weightsSha256())) {
      throw new DfkdException("teacher weights " + teacherDir.resolve(m.weightsFile()) + " do not match the checksum in "
          + TeacherStore.METADATA + ": retrain or re-import the teacher");
    }
    DataSpec spec = m.dataSpec();
    DfkdTeacherTrainer trainer = DfkdTeacherTrainer.describing(m.architecture(), m.dataset(), recipeOf(m.recipe()),
        spec.channels(), spec.height(), spec.width(), 1.0);
    Map<String, Provenance> inst = new LinkedHashMap<>();
    put(inst, "kind", "teacher");
    put(inst, "source", teacherDir.toAbsolutePath().normalize().toString());
    put(inst, "teacher.architecture", m.architecture());
    put(inst, "teacher.dataset", m.dataset());
    put(inst, "teacher.sha256", m.weightsSha256());
    put(inst, "teacher.testAccuracy", String.valueOf(m.testAccuracy()));
    put(inst, "teacher.seed", String.valueOf(m.seed()));
    new TreeMap<>(m.recipe()).forEach((k, v) -> put(inst, "recipe." + k, v));
    ModelProvenance prov = new ModelProvenance(DfkdTribuoModel.class.getName(), OffsetDateTime.now(),
        datasetProvenance(m.dataset() + " training split (per teacher.json; images not seen by this export)"),
        new TrainerProvenanceImpl(trainer), inst);
    return checked(create("rgal-teacher-" + m.architecture(), Geometry.of(spec, m.architecture()),
        digits(spec.numClasses()), bytes, prov), "the teacher " + teacherDir);
  }

  /**
   * A distillation run directory's student as a model; the teacher directory supplies shape,
   * normalisation and the teacher's identity. Provenance: method, seed, data budget, teacher
   * SHA-256, every flattened spec parameter ({@code spec.*}), the summary figures when
   * {@code summary.json} exists, and the versions of the plugins on the class path at export
   * ({@code plugin.*}, e.g. the host's {@link dev.rgal.api.InstalledPlugins#versions()}; the run's own
   * are in its tracked params).
   *
   * @throws DfkdException if {@code runDir} is not a finished run or the teacher does not fit it
   */
  public static DfkdTribuoModel fromRun(Path runDir, Path teacherDir, Map<String, String> pluginVersions) {
    Path specFile = runDir.resolve("spec.json");
    Path student = runDir.resolve("student.params");
    if (!Files.isDirectory(runDir) || !Files.isRegularFile(specFile) || !Files.isRegularFile(student)) {
      throw new DfkdException(runDir + " is not a finished distillation run (no spec.json and student.params): pass "
          + "the --out directory of a completed 'rgal distill'");
    }
    RunSpec spec;
    try {
      spec = RunSpecJson.parse(Files.readString(specFile), specFile.toString());
    } catch (IOException e) {
      throw new DfkdException("cannot read " + specFile + " (" + e.getMessage() + "): check its permissions");
    }
    TeacherMetadata t = TeacherStore.readMetadata(teacherDir);
    String recorded = NetWeights.architectureOf(student);
    if (recorded != null && !recorded.equals(spec.studentArch())) {
      throw new DfkdException(student + " holds a " + recorded + " but spec.json says the student is "
          + spec.studentArch() + ": the run directory is inconsistent; rerun the distillation");
    }
    byte[] bytes = readWeights(student);
    Map<String, Provenance> inst = new LinkedHashMap<>();
    put(inst, "kind", "student");
    put(inst, "source", runDir.toAbsolutePath().normalize().toString());
    put(inst, "method", spec.method());
    put(inst, "seed", String.valueOf(spec.seed()));
    put(inst, "student.architecture", spec.studentArch());
    put(inst, "student.sha256", sha256(bytes));
    put(inst, "teacher.architecture", t.architecture());
    put(inst, "teacher.dataset", t.dataset());
    put(inst, "teacher.sha256", t.weightsSha256());
    put(inst, "teacher.testAccuracy", String.valueOf(t.testAccuracy()));
    RunSpec.Schedule s = spec.schedule();
    put(inst, RunMetrics.DATA_BUDGET_IMAGES, String.valueOf(RunMetrics.dataBudget(s)));
    RunSpecJson.flatten(spec).forEach((k, v) -> put(inst, "spec." + k, v));
    new TreeMap<>(pluginVersions).forEach((k, v) -> put(inst, "plugin." + k, v));
    Path summary = runDir.resolve(RunMetrics.Summary.FILE);
    if (Files.isRegularFile(summary)) {
      try {
        com.google.gson.JsonObject o = com.google.gson.JsonParser.parseString(Files.readString(summary)).getAsJsonObject();
        for (String k : List.of(RunMetrics.Summary.LAST_ACCURACY, RunMetrics.Summary.BEST_ACCURACY,
            RunMetrics.Summary.BEST_EPOCH, RunMetrics.Summary.TEACHER_ACCURACY, RunMetrics.Summary.IMAGES_SYNTHESIZED)) {
          if (o.has(k)) {
            put(inst, "summary." + k, o.get(k).getAsString());
          }
        }
        if (o.has(RunMetrics.Summary.ENVIRONMENT)) { // where the run ran (Tribuo's own fields describe the exporting JVM)
          o.getAsJsonObject(RunMetrics.Summary.ENVIRONMENT).entrySet().forEach(e -> put(inst, "run." + e.getKey(), e.getValue().getAsString()));
        }
      } catch (IOException | RuntimeException e) {
        throw new DfkdException(summary + " is unreadable (" + e.getMessage() + "): the run directory is damaged");
      }
    }
    DataSpec data = t.dataSpec();
    ModelProvenance prov = new ModelProvenance(DfkdTribuoModel.class.getName(), OffsetDateTime.now(),
        datasetProvenance("data-free: " + spec.method() + " synthesised images from the teacher " + t.weightsSha256()),
        new TrainerProvenanceImpl(new DfkdDistillationTrainer(spec, t.weightsSha256())), inst);
    return checked(create("rgal-student-" + spec.method() + "-" + spec.studentArch(), Geometry.of(data, spec.studentArch()),
        digits(data.numClasses()), bytes, prov), "the student of " + runDir + " with the teacher " + teacherDir);
  }

  /**
   * Builds the network once so that weights that do not fit the architecture, channel or class
   * count fail now (e.g. a run exported with another run's teacher) rather than at the first
   * prediction.
   */
  private static DfkdTribuoModel checked(DfkdTribuoModel model, String what) {
    try {
      model.network();
      return model;
    } catch (DfkdException e) {
      throw new DfkdException("cannot export " + what + ": " + e.getMessage());
    } finally {
      model.close();
    }
  }

  /**
   * A live network as a model (its weights are copied), e.g. to evaluate it with Tribuo.
   *
   * @param instance extra instance provenance (string values)
   */
  public static DfkdTribuoModel fromNet(FeatureNet net, DataSpec data, Map<String, String> instance) {
    byte[] bytes = weightsOf(net);
    Map<String, Provenance> inst = new LinkedHashMap<>();
    put(inst, "kind", "network");
    put(inst, "weights.sha256", sha256(bytes));
    instance.forEach((k, v) -> put(inst, k, v));
    ModelProvenance prov = new ModelProvenance(DfkdTribuoModel.class.getName(), OffsetDateTime.now(),
        datasetProvenance("unknown"), new TrainerProvenanceImpl(DfkdTeacherTrainer.describing(
            net.info().architecture(), data.dataset(), TeacherRecipe.fashionMnistDefault().withEpochs(0),
            data.channels(), data.height(), data.width(), 1.0)), inst);
    return create("rgal-" + net.info().architecture(), Geometry.of(data, net.info().architecture()),
        digits(data.numClasses()), bytes, prov);
  }

  /** Reads a model written by {@link #save(Path)} (Java serialisation). */
  public static DfkdTribuoModel load(Path file) {
    try (InputStream in = Files.newInputStream(file); ObjectInputStream ois = new ObjectInputStream(in)) {
      Object o = ois.readObject();
      if (!(o instanceof DfkdTribuoModel m)) {
        throw new DfkdException(file + " holds a " + o.getClass().getName() + ", not an rgal Tribuo model: export it with 'rgal export'");
      }
      return m;
    } catch (NoSuchFileException e) {
      throw new DfkdException(file + " does not exist: check the path");
    } catch (IOException | ClassNotFoundException e) {
      throw new DfkdException(file + " is not a readable rgal Tribuo model (" + e + "): export it again with 'rgal export'");
    }
  }

  /**
   * Writes the model with Java serialisation to a temporary name next to {@code file} and renames
   * it; refuses to replace an existing file.
   */
  public void save(Path file) {
    Path abs = file.toAbsolutePath();
    if (Files.exists(abs)) {
      throw new DfkdException(file + " already exists: choose another --out or delete it first");
    }
    AtomicFiles.write(abs, AtomicFiles.Existing.REFUSE, os -> {
      ObjectOutputStream oos = new ObjectOutputStream(os);
      oos.writeObject(this);
      oos.flush();
    });
  }

  // ------------------------------------------------------------------------------ accessors

  public String architecture() {
    return architecture;
  }

  /** The data description the network expects (input size after padding, normalisation). */
  public DataSpec dataSpec(String dataset) {
    List<Double> m = new ArrayList<>();
    List<Double> s = new ArrayList<>();
    for (int c = 0; c < channels; c++) {
      m.add(mean[c]);
      s.add(std[c]);
    }
    return new DataSpec(dataset, channels, netHeight, netWidth, labelNames.length, m, s);
  }

  public double pixelScale() {
    return pixelScale;
  }

  public String featureFormat() {
    return featureFormat;
  }

  /** Class names in class-index order. */
  public List<String> labelNames() {
    return List.of(labelNames);
  }

  /** The safetensors bytes of the weights (a copy). */
  public byte[] weights() {
    return weights.clone();
  }

  /**
   * The native network, built on first use. It is owned by this model: do not close it; use it
   * only while holding no other thread's predictions (see {@link #close()}).
   */
  public synchronized FeatureNet network() {
    if (net == null) {
      NDManager m = NDManager.newBaseManager();
      try {
        FeatureNet n = Zoo.create(architecture, m, channels, netHeight, netWidth, labelNames.length);
        Path tmp = Files.createTempFile("rgal-tribuo-", ".params");
        try {
          Files.write(tmp, weights);
          NetWeights.load(n, tmp);
        } finally {
          Files.deleteIfExists(tmp);
        }
        n.block().freezeParameters(true);
        net = n;
        manager = m;
      } catch (IOException e) {
        m.close();
        throw new DfkdException("cannot stage the model's weights in the temp directory (" + e.getMessage()
            + "): set java.io.tmpdir to a writable directory");
      } catch (RuntimeException e) {
        m.close();
        throw e;
      }
    }
    return net;
  }

  /** Frees the native network; a later prediction rebuilds it. */
  @Override
  public synchronized void close() {
    if (net != null) {
      net.close();
      net = null;
    }
    if (manager != null) {
      manager.close();
      manager = null;
    }
  }

  // ------------------------------------------------------------------------------ prediction

  @Override
  public Prediction<Label> predict(Example<Label> example) {
    return predictBatch(List.of(example)).get(0);
  }

  @Override
  protected List<Prediction<Label>> innerPredict(Iterable<Example<Label>> examples) {
    List<Example<Label>> all = new ArrayList<>();
    examples.forEach(all::add);
    List<Prediction<Label>> out = new ArrayList<>(all.size());
    for (int from = 0; from < all.size(); from += BATCH) {
      out.addAll(predictBatch(all.subList(from, Math.min(all.size(), from + BATCH))));
    }
    return out;
  }

  /** Softmax probabilities [n][K] of already densified [0, 1] images at feature geometry. */
  synchronized float[][] probabilities(float[][] images) {
    FeatureNet n = network();
    int per = channels * height * width;
    int netPer = channels * netHeight * netWidth;
    int top = (netHeight - height) / 2;
    int left = (netWidth - width) / 2;
    float[] buf = new float[images.length * netPer];
    for (int b = 0; b < images.length; b++) {
      float[] img = images[b];
      if (img.length != per) {
        throw new IllegalArgumentException("image has " + img.length + " values, expected " + per);
      }
      for (int c = 0; c < channels; c++) {
        for (int y = 0; y < height; y++) {
          System.arraycopy(img, (c * height + y) * width, buf, b * netPer + (c * netHeight + y + top) * netWidth + left, width);
        }
      }
    }
    NDManager parent = manager;
    try (NDManager m = parent.newSubManager()) {
      NDArray x = m.create(buf, new Shape(images.length, channels, netHeight, netWidth));
      NDArray p = n.forward(Normalization.of(dataSpec("x")).apply(x), false).logits().softmax(1);
      float[] flat = p.toFloatArray();
      int k = labelNames.length;
      float[][] res = new float[images.length][k];
      for (int b = 0; b < images.length; b++) {
        System.arraycopy(flat, b * k, res[b], 0, k);
      }
      return res;
    }
  }

  private List<Prediction<Label>> predictBatch(List<Example<Label>> batch) {
    int per = channels * height * width;
    float[][] images = new float[batch.size()][per];
    int[] used = new int[batch.size()];
    for (int b = 0; b < batch.size(); b++) {
      used[b] = PixelFeatures.densify(batch.get(b), featureFormat, images[b], pixelScale);
    }
    float[][] probs = probabilities(images);
    List<Prediction<Label>> out = new ArrayList<>(batch.size());
    for (int b = 0; b < batch.size(); b++) {
      out.add(prediction(probs[b], used[b], batch.get(b)));
    }
    return out;
  }

  Prediction<Label> prediction(float[] probs, int used, Example<Label> example) {
    Map<String, Label> scores = new LinkedHashMap<>();
    int best = 0;
    for (int k = 0; k < probs.length; k++) {
      scores.put(labelNames[k], new Label(labelNames[k], probs[k]));
      if (probs[k] > probs[best]) {
        best = k;
      }
    }
    return new Prediction<>(new Label(labelNames[best], probs[best]), scores, used, example, true);
  }

  @Override
  public Map<String, List<Pair<String, Double>>> getTopFeatures(int n) {
    return Collections.emptyMap();
  }

  @Override
  public Optional<Excuse<Label>> getExcuse(Example<Label> example) {
    return Optional.empty();
  }

  @Override
  protected DfkdTribuoModel copy(String newName, ModelProvenance newProvenance) {
    return new DfkdTribuoModel(newName, newProvenance, featureIDMap, outputIDInfo,
        new Geometry(architecture, channels, height, width, netHeight, netWidth, mean, std, pixelScale, featureFormat),
        labelNames, weights);
  }

  // ------------------------------------------------------------------------------ helpers

  static TeacherRecipe recipeOf(Map<String, String> r) {
    TeacherRecipe d = TeacherRecipe.fashionMnistDefault();
    try {
      return new TeacherRecipe(r.getOrDefault("optimizer", d.optimizer()),
          Double.parseDouble(r.getOrDefault("lr", String.valueOf(d.lr()))),
          Double.parseDouble(r.getOrDefault("weightDecay", String.valueOf(d.weightDecay()))),
          r.getOrDefault("schedule", d.schedule()),
          Integer.parseInt(r.getOrDefault("epochs", "0")),
          Integer.parseInt(r.getOrDefault("batchSize", String.valueOf(d.batchSize()))),
          Integer.parseInt(r.getOrDefault("cropPadding", String.valueOf(d.cropPadding()))),
          Boolean.parseBoolean(r.getOrDefault("flip", String.valueOf(d.flip()))),
          Long.parseLong(r.getOrDefault("seed", "-1")));
    } catch (NumberFormatException e) {
      throw new DfkdException("the teacher's recipe in " + TeacherStore.METADATA + " has a malformed number ("
          + e.getMessage() + "): retrain or re-import the teacher");
    }
  }

  static DatasetProvenance datasetProvenance(String description) {
    LabelFactory f = new LabelFactory();
    MutableDataset<Label> empty = new MutableDataset<>(new SimpleDataSourceProvenance(description, f), f);
    return empty.getProvenance();
  }

  static List<String> digits(int k) {
    List<String> l = new ArrayList<>(k);
    for (int i = 0; i < k; i++) {
      l.add(String.valueOf(i));
    }
    return l;
  }

  static void put(Map<String, Provenance> m, String key, String value) {
    m.put(key, new StringProvenance(key, value));
  }

  static byte[] weightsOf(FeatureNet net) {
    try {
      Path tmp = Files.createTempFile("rgal-tribuo-", ".params");
      try {
        NetWeights.save(net, tmp);
        return Files.readAllBytes(tmp);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new DfkdException("cannot stage weights in the temp directory (" + e.getMessage()
          + "): set java.io.tmpdir to a writable directory");
    }
  }

  private static byte[] readWeights(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new DfkdException("weights file " + file + " is missing: the directory is incomplete");
    } catch (IOException e) {
      throw new DfkdException("cannot read " + file + " (" + e.getMessage() + "): check its permissions");
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static double[] toArray(List<Double> l) {
    double[] a = new double[l.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = l.get(i);
    }
    return a;
  }

  @Serial
  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    if (weights == null || architecture == null || labelNames == null) {
      throw new java.io.InvalidObjectException("incomplete rgal Tribuo model");
    }
  }

  // ------------------------------------------------------------------------------ protobuf

  /**
   * Tribuo's protobuf form ({@code serializeToFile}, {@code Model.deserializeFromFile}): a
   * {@code ModelProto} whose data is an {@code Any} holding Tribuo's {@code ModelDataProto} (name,
   * provenance, domains) as field 1 and this model's own fields (architecture, geometry,
   * normalisation, label names, weight bytes) as fields 2-13.
   */
  @Override
  public ModelProto serialize() {
    try {
      ByteString.Output buf = ByteString.newOutput();
      CodedOutputStream o = CodedOutputStream.newInstance(buf);
      o.writeMessage(1, createDataCarrier().serialize());
      o.writeString(2, architecture);
      o.writeInt32(3, channels);
      o.writeInt32(4, height);
      o.writeInt32(5, width);
      o.writeInt32(6, netHeight);
      o.writeInt32(7, netWidth);
      for (double v : mean) {
        o.writeDouble(8, v);
      }
      for (double v : std) {
        o.writeDouble(9, v);
      }
      o.writeDouble(10, pixelScale);
      o.writeString(11, featureFormat);
      for (String l : labelNames) {
        o.writeString(12, l);
      }
      o.writeByteArray(13, weights);
      o.flush();
      Any data = Any.newBuilder().setTypeUrl(TYPE_URL).setValue(buf.toByteString()).build();
      return ModelProto.newBuilder().setVersion(CURRENT_VERSION).setClassName(DfkdTribuoModel.class.getName())
          .setSerializedData(data).build();
    } catch (IOException e) {
      throw new IllegalStateException("in-memory protobuf write failed", e);
    }
  }

  /** Called reflectively by Tribuo's {@code ProtoUtil.deserialize}. */
  public static DfkdTribuoModel deserializeFromProto(int version, String className, Any message)
      throws InvalidProtocolBufferException {
    if (version < 0 || version > CURRENT_VERSION) {
      throw new IllegalArgumentException("unknown DfkdTribuoModel proto version " + version + " (this build reads up to "
          + CURRENT_VERSION + ")");
    }
    if (!TYPE_URL.equals(message.getTypeUrl())) {
      throw new InvalidProtocolBufferException("not DfkdTribuoModel data: " + message.getTypeUrl());
    }
    try {
      CodedInputStream in = message.getValue().newCodedInput();
      ModelDataProto carrierProto = null;
      String arch = null;
      String format = null;
      int[] dims = new int[5];
      List<Double> mean = new ArrayList<>();
      List<Double> std = new ArrayList<>();
      List<String> labels = new ArrayList<>();
      double scale = 1;
      byte[] weights = null;
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        switch (tag >>> 3) {
          case 1 -> carrierProto = ModelDataProto.parseFrom(in.readBytes());
          case 2 -> arch = in.readString();
          case 3, 4, 5, 6, 7 -> dims[(tag >>> 3) - 3] = in.readInt32();
          case 8 -> mean.add(in.readDouble());
          case 9 -> std.add(in.readDouble());
          case 10 -> scale = in.readDouble();
          case 11 -> format = in.readString();
          case 12 -> labels.add(in.readString());
          case 13 -> weights = in.readByteArray();
          default -> in.skipField(tag);
        }
      }
      if (carrierProto == null || arch == null || format == null || weights == null || labels.isEmpty()) {
        throw new InvalidProtocolBufferException("incomplete DfkdTribuoModel data");
      }
      ModelDataCarrier<?> carrier = ModelDataCarrier.deserialize(carrierProto);
      Geometry g = new Geometry(arch, dims[0], dims[1], dims[2], dims[3], dims[4], toArray(mean), toArray(std), scale, format);
      DfkdTribuoModel m = create(carrier.name(), g, labels, weights, carrier.provenance());
      if (!m.getFeatureIDMap().equals(carrier.featureDomain())) {
        throw new InvalidProtocolBufferException("the feature domain does not match the model's pixel features");
      }
      return m;
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (IOException e) {
      throw new InvalidProtocolBufferException(e);
    }
  }

  /** Trainer provenance type, for callers that inspect it. */
  public TrainerProvenance trainerProvenance() {
    return provenance.getTrainerProvenance();
  }
}
