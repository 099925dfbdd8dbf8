package dev.rgal.tribuo;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import dev.rgal.api.DataSpec;
import dev.rgal.api.DfkdException;
import dev.rgal.toolkit.data.Datasets;
import dev.rgal.toolkit.data.ImageDataset;
import dev.rgal.toolkit.progress.Progress;
import dev.rgal.toolkit.teacher.TeacherMetadata;
import dev.rgal.toolkit.teacher.TeacherRecipe;
import dev.rgal.toolkit.teacher.TeacherStore;
import dev.rgal.toolkit.teacher.TeacherTrainer;
import dev.rgal.toolkit.zoo.Zoo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.Trainer;
import org.tribuo.VariableInfo;
import org.tribuo.classification.Label;
import org.tribuo.provenance.ModelProvenance;
import org.tribuo.provenance.TrainerProvenance;
import org.tribuo.provenance.impl.TrainerProvenanceImpl;

/**
 * Trains an rgal zoo architecture as a teacher from a Tribuo {@code Dataset<Label>} of images
 * (e.g. read with {@code IDXDataSource}): the examples become an in-memory {@link ImageDataset}
 * (pixel features by their zero-padded index, values divided by {@link #pixelScale()}, images
 * zero-padded to the network input), then the engine's {@link TeacherTrainer} runs its usual loop
 * (augmentation, optimiser, seeds). Returns a {@link DfkdTribuoModel} that takes the same features
 * as the dataset.
 *
 * <p>Labels: if every label is an integer {@code 0..K-1} it is the class index (IDX data), else the
 * class indices follow the sorted label names. Normalisation: the known dataset's constants when
 * {@link #dataset} names one ({@code fashion-mnist}, ...), else the training images' own mean/std.
 * Configuration is OLCUT {@link Config} fields, so the model's provenance records the whole recipe.
 */
public final class DfkdTeacherTrainer implements Trainer<Label> {
  @Config(description = "zoo architecture name")
  private String architecture = "lenet5-bn";
  @Config(description = "dataset name, for normalisation constants and the teacher's metadata")
  private String dataset = "fashion-mnist";
  @Config(description = "adam or sgd")
  private String optimizer = "adam";
  @Config(description = "learning rate")
  private double lr = 1e-3;
  @Config(description = "L2 weight decay")
  private double weightDecay = 0;
  @Config(description = "constant, cosine or step")
  private String schedule = "constant";
  @Config(description = "passes over the training set")
  private int epochs = 10;
  @Config(description = "images per step")
  private int batchSize = 256;
  @Config(description = "random crop padding (0 = no crop)")
  private int cropPadding = 2;
  @Config(description = "random horizontal flips")
  private boolean flip = true;
  @Config(description = "seed of initialisation, shuffling and augmentation")
  private long seed = 0;
  @Config(description = "image channels")
  private int channels = 1;
  @Config(description = "image height of the features")
  private int imageHeight = 28;
  @Config(description = "image width of the features")
  private int imageWidth = 28;
  @Config(description = "network input height (images are zero-padded, centred)")
  private int netHeight = 32;
  @Config(description = "network input width")
  private int netWidth = 32;
  @Config(description = "feature value of full intensity (255 for IDX bytes, 1 for [0,1] features)")
  private double pixelScale = 255;

  private int invocationCount;

  /** For OLCUT. */
  private DfkdTeacherTrainer() {}

  /**
   * @param architecture zoo name
   * @param dataset dataset name (normalisation, metadata)
   * @param recipe optimiser, schedule, epochs, augmentation, seed
   * @param channels image channels
   * @param imageHeight height of the images the features describe
   * @param imageWidth width of those images
   * @param netHeight network input height (≥ imageHeight)
   * @param netWidth network input width
   * @param pixelScale feature value of full intensity
   */
  public DfkdTeacherTrainer(String architecture, String dataset, TeacherRecipe recipe, int channels, int imageHeight,
      int imageWidth, int netHeight, int netWidth, double pixelScale) {
    this.architecture = architecture;
    this.dataset = dataset;
    this.optimizer = recipe.optimizer();
    this.lr = recipe.lr();
    this.weightDecay = recipe.weightDecay();
    this.schedule = recipe.schedule();
    this.epochs = recipe.epochs();
    this.batchSize = recipe.batchSize();
    this.cropPadding = recipe.cropPadding();
    this.flip = recipe.flip();
    this.seed = recipe.seed();
    this.channels = channels;
    this.imageHeight = imageHeight;
    this.imageWidth = imageWidth;
    this.netHeight = netHeight;
    this.netWidth = netWidth;
    this.pixelScale = pixelScale;
  }

  /** For Fashion-MNIST / MNIST read with {@code IDXDataSource}: 1×28×28 bytes padded to 32×32. */
  public static DfkdTeacherTrainer forIdx(String architecture, String dataset, TeacherRecipe recipe) {
    return new DfkdTeacherTrainer(architecture, dataset, recipe, 1, 28, 28, 32, 32, 255);
  }

  /** The configuration an existing teacher was trained with (for provenance of exported teachers). */
  static DfkdTeacherTrainer describing(String architecture, String dataset, TeacherRecipe recipe, int channels,
      int height, int width, double pixelScale) {
    return new DfkdTeacherTrainer(architecture, dataset, recipe, channels, height, width, height, width, pixelScale);
  }

  public TeacherRecipe recipe() {
    return new TeacherRecipe(optimizer, lr, weightDecay, schedule, epochs, batchSize, cropPadding, flip, seed);
  }

  public double pixelScale() {
    return pixelScale;
  }

  @Override
  public DfkdTribuoModel train(Dataset<Label> examples) {
    return train(examples, Map.of());
  }

  @Override
  public DfkdTribuoModel train(Dataset<Label> examples, Map<String, Provenance> runProvenance) {
    return train(examples, runProvenance, INCREMENT_INVOCATION_COUNT);
  }

  @Override
  public synchronized DfkdTribuoModel train(Dataset<Label> examples, Map<String, Provenance> runProvenance,
      int invocation) {
    if (invocation != INCREMENT_INVOCATION_COUNT) {
      setInvocationCount(invocation);
    }
    TrainerProvenance trainerProvenance = getProvenance();
    invocationCount++;
    ImmutableFeatureMap fm = examples.getFeatureIDMap();
    List<String> featureNames = new ArrayList<>();
    for (VariableInfo v : fm) {
      featureNames.add(v.getName());
    }
    String format = PixelFeatures.inferFormat(featureNames);
    List<String> labels = labelOrder(examples);
    ImageDataset train = toImages(examples, format, labels);
    DataSpec spec = dataSpec(train, labels.size());
    Path tmp;
    try {
      tmp = Files.createTempDirectory("rgal-tribuo-teacher-");
    } catch (IOException e) {
      throw new DfkdException("cannot create a temp directory (" + e.getMessage() + "): set java.io.tmpdir to a writable directory");
    }
    try {
      Path dir = tmp.resolve("teacher");
      TeacherTrainer.Result r = TeacherTrainer.train(new TeacherTrainer.InMemoryRequest(train, null, spec, architecture,
          recipe(), dir, false), Zoo.factories(), Progress.silent(), e -> {});
      TeacherMetadata m = r.metadata();
      byte[] weights = Files.readAllBytes(dir.resolve(m.weightsFile()));
      Map<String, Provenance> inst = new LinkedHashMap<>(runProvenance);
      TribuoModelFactory.put(inst, "kind", "teacher");
      TribuoModelFactory.put(inst, "teacher.architecture", architecture);
      TribuoModelFactory.put(inst, "teacher.dataset", dataset);
      TribuoModelFactory.put(inst, "teacher.sha256", m.weightsSha256());
      TribuoModelFactory.put(inst, "train.images", String.valueOf(train.size()));
      for (TeacherTrainer.EpochStats s : r.epochs()) {
        TribuoModelFactory.put(inst, "train.loss.epoch" + s.epoch(), String.valueOf(s.trainLoss()));
      }
      ModelProvenance prov = new ModelProvenance(DfkdTribuoModel.class.getName(), OffsetDateTime.now(),
          examples.getProvenance(), trainerProvenance, inst);
      DfkdTribuoModel.Geometry g = new DfkdTribuoModel.Geometry(architecture, channels, imageHeight, imageWidth,
          netHeight, netWidth, toArray(spec.mean()), toArray(spec.std()), pixelScale, format);
      return DfkdTribuoModel.create("rgal-teacher-" + architecture, g, labels, weights, prov);
    } catch (IOException e) {
      throw new DfkdException("cannot read the trained weights (" + e.getMessage() + "): check the temp directory");
    } finally {
      deleteTree(tmp);
    }
  }

  /** Class names in class-index order: integer labels 0..K-1 by value, others sorted by name. */
  static List<String> labelOrder(Dataset<Label> examples) {
    TreeSet<String> names = new TreeSet<>();
    for (Label l : examples.getOutputs()) {
      names.add(l.getLabel());
    }
    if (names.isEmpty()) {
      throw new DfkdException("the dataset has no labels: pass labelled images");
    }
    boolean integers = names.stream().allMatch(s -> s.matches("\\d{1,6}"));
    if (integers) {
      int max = names.stream().mapToInt(Integer::parseInt).max().orElse(0);
      List<String> l = new ArrayList<>();
      for (int k = 0; k <= max; k++) {
        l.add(String.valueOf(k));
      }
      return l;
    }
    return new ArrayList<>(names);
  }

  private ImageDataset toImages(Dataset<Label> examples, String format, List<String> labels) {
    int per = channels * imageHeight * imageWidth;
    int n = examples.size();
    if (n == 0) {
      throw new DfkdException("the dataset is empty: pass training images");
    }
    Map<String, Integer> classOf = new LinkedHashMap<>();
    for (int k = 0; k < labels.size(); k++) {
      classOf.put(labels.get(k), k);
    }
    byte[] pixels = new byte[Math.multiplyExact(n, per)];
    int[] y = new int[n];
    float[] buf = new float[per];
    int i = 0;
    for (Example<Label> ex : examples) {
      PixelFeatures.densify(ex, format, buf, pixelScale);
      for (int k = 0; k < per; k++) {
        pixels[i * per + k] = (byte) Math.round(buf[k] * 255f);
      }
      Integer c = classOf.get(ex.getOutput().getLabel());
      if (c == null) {
        throw new DfkdException("example " + i + " has the label '" + ex.getOutput().getLabel()
            + "', outside the dataset's output domain: pass labelled images");
      }
      y[i++] = c;
    }
    return ImageDataset.of(dataset, channels, imageHeight, imageWidth, labels.size(), pixels, y)
        .padTo(netHeight, netWidth);
  }

  private DataSpec dataSpec(ImageDataset train, int numClasses) {
    if (Datasets.NAMES.contains(dataset)) {
      DataSpec known = Datasets.dataSpec(dataset);
      if (known.channels() == channels) {
        return new DataSpec(dataset, channels, netHeight, netWidth, numClasses, known.mean(), known.std());
      }
    }
    double[] sum = new double[channels];
    double[] sq = new double[channels];
    int hw = train.height() * train.width();
    for (int i = 0; i < train.size(); i++) {
      byte[] img = train.image(i);
      for (int c = 0; c < channels; c++) {
        for (int k = 0; k < hw; k++) {
          double v = (img[c * hw + k] & 0xff) / 255.0;
          sum[c] += v;
          sq[c] += v * v;
        }
      }
    }
    List<Double> mean = new ArrayList<>();
    List<Double> std = new ArrayList<>();
    long count = (long) train.size() * hw;
    for (int c = 0; c < channels; c++) {
      double m = sum[c] / count;
      mean.add(m);
      std.add(Math.max(1e-3, Math.sqrt(Math.max(0, sq[c] / count - m * m))));
    }
    return new DataSpec(dataset, channels, netHeight, netWidth, numClasses, mean, std);
  }

  @Override
  public int getInvocationCount() {
    return invocationCount;
  }

  @Override
  public synchronized void setInvocationCount(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("invocation count must be non-negative, got " + count);
    }
    invocationCount = count;
  }

  @Override
  public TrainerProvenance getProvenance() {
    return new TrainerProvenanceImpl(this);
  }

  @Override
  public String toString() {
    return "DfkdTeacherTrainer(" + architecture + ", " + recipe() + ")";
  }

  private static double[] toArray(List<Double> l) {
    double[] a = new double[l.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = l.get(i);
    }
    return a;
  }

  private static void deleteTree(Path p) {
    try (Stream<Path> s = Files.walk(p)) {
      for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    } catch (IOException ignored) {
      // best effort: a temp directory is all that can remain
    }
  }
}
