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
import dev.rgal.toolkit.zoo.NetFormat;
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
  private static final int BATCH = 256;

  final String architecture;
  final int channels;
  final int height;
  final int width;
  final int netHeight;
  final int netWidth;
  final double[] mean;
  final double[] std;
  final double pixelScale;
  final String featureFormat;
  final String[] labelNames;
  final byte[] weights;
  /**
   * How {@link #weights} are stored: null for plain zoo weights (safetensors), else the name of a
   * {@link NetFormat} whose plugin reads the whole network (e.g. {@code rgq}, a quantized model).
   */
  final @Nullable String netFormat;

  private transient @Nullable NDManager manager;
  private transient @Nullable FeatureNet net;

  private DfkdTribuoModel(String name, ModelProvenance provenance, ImmutableFeatureMap features,
      ImmutableOutputInfo<Label> outputs, Geometry g, String[] labelNames, byte[] weights, @Nullable String netFormat) {
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
    this.netFormat = netFormat;
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
          TribuoModelFactory.toArray(spec.mean()), TribuoModelFactory.toArray(spec.std()), 1.0, PixelFeatures.defaultFormat(n));
    }
  }

  /** Builds a model; checks the geometry, weights and label count. */
  static DfkdTribuoModel create(String name, Geometry g, List<String> labelNames, byte[] weights,
      ModelProvenance provenance) {
    return create(name, g, labelNames, weights, provenance, null);
  }

  /** {@link #create(String, Geometry, List, byte[], ModelProvenance)} for a network stored in a {@link NetFormat}. */
  static DfkdTribuoModel create(String name, Geometry g, List<String> labelNames, byte[] weights,
      ModelProvenance provenance, @Nullable String netFormat) {
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
    return new DfkdTribuoModel(name, provenance, fm, out, g, labelNames.toArray(new String[0]), weights, netFormat);
  }

  // ------------------------------------------------------------------------------ factories (TribuoModelFactory)

  /**
   * A teacher directory ({@code teacher.json} + weights) as a model. The weights' SHA-256 is
   * checked against the metadata. Provenance: the teacher's recipe as the trainer
   * ({@link DfkdTeacherTrainer}'s configuration), its checksum, accuracy and source.
   *
   * @throws DfkdException if the directory is not a teacher or its weights do not match
   */
  public static DfkdTribuoModel fromTeacher(Path teacherDir) {
    return TribuoModelFactory.fromTeacher(teacherDir);
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
    return TribuoModelFactory.fromRun(runDir, teacherDir, pluginVersions);
  }

  /**
   * A live network as a model (its weights are copied), e.g. to evaluate it with Tribuo.
   *
   * @param instance extra instance provenance (string values)
   */
  public static DfkdTribuoModel fromNet(FeatureNet net, DataSpec data, Map<String, String> instance) {
    return TribuoModelFactory.fromNet(net, data, instance);
  }

  /**
   * A whole network stored in a {@link NetFormat} file (e.g. a quantized model, {@code rgq}) as a
   * model; the file's bytes travel inside the model and the format's plugin reads them back.
   *
   * @param data the input the network expects (shape, normalisation, classes)
   * @param instance extra instance provenance (string values)
   * @throws DfkdException if no installed plugin reads the format
   */
  public static DfkdTribuoModel fromNetFile(String format, Path file, DataSpec data, String architecture,
      Map<String, String> instance) {
    return TribuoModelFactory.fromNetFile(format, file, data, architecture, instance);
  }

  /** Reads a model written by {@link #save(Path)} (Java serialisation). */
  public static DfkdTribuoModel load(Path file) {
    return JavaSerialForm.load(file);
  }

  /**
   * Writes the model with Java serialisation to a temporary name next to {@code file} and renames
   * it; refuses to replace an existing file.
   */
  public void save(Path file) {
    JavaSerialForm.save(this, file);
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

  /** Null for plain zoo weights, else the {@link NetFormat} name of {@link #weights()}. */
  public @Nullable String netFormat() {
    return netFormat;
  }

  /** The safetensors bytes of the weights (a copy), or the whole network in {@link #netFormat()}. */
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
        Path tmp = Files.createTempFile("rgal-tribuo-", ".params");
        FeatureNet n;
        try {
          Files.write(tmp, weights);
          if (netFormat == null) {
            n = Zoo.create(architecture, m, channels, netHeight, netWidth, labelNames.length);
            NetWeights.load(n, tmp);
            n.block().freezeParameters(true);
          } else {
            NetFormat f = NetFormat.find(netFormat).orElseThrow(() -> new DfkdException("this model holds a '" + netFormat
                + "' network, and no installed plugin reads that format: put the plugin that wrote it (e.g. rgal's"
                + " quantization jar for 'rgq') on the class path"));
            n = f.read(tmp, m);
          }
        } finally {
          Files.deleteIfExists(tmp);
        }
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
        labelNames, weights, netFormat);
  }

  @Serial
  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    if (weights == null || architecture == null || labelNames == null) {
      throw new java.io.InvalidObjectException("incomplete rgal Tribuo model");
    }
  }

  // ------------------------------------------------------------------------------ protobuf

  /** Tribuo's protobuf form (see {@link ProtoForm}). */
  @Override
  public ModelProto serialize() {
    return ProtoForm.serialize(this);
  }

  /** Called reflectively by Tribuo's {@code ProtoUtil.deserialize}. */
  public static DfkdTribuoModel deserializeFromProto(int version, String className, Any message)
      throws InvalidProtocolBufferException {
    return ProtoForm.deserialize(version, className, message);
  }

  /** Tribuo's data carrier of this model, for {@link ProtoForm}. */
  ModelDataCarrier<Label> dataCarrier() {
    return createDataCarrier();
  }

  /** Trainer provenance type, for callers that inspect it. */
  public TrainerProvenance trainerProvenance() {
    return provenance.getTrainerProvenance();
  }
}
