package dev.rgal.toolkit.teacher;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.rgal.api.DataSpec;
import dev.rgal.api.DfkdException;
import dev.rgal.api.model.ArchitectureFactory;
import dev.rgal.api.model.FeatureNet;
import dev.rgal.toolkit.data.BatchAugment;
import dev.rgal.toolkit.data.Datasets;
import dev.rgal.toolkit.data.ImageDataset;
import dev.rgal.toolkit.data.Normalization;
import dev.rgal.toolkit.loss.Losses;
import dev.rgal.toolkit.loss.NonFiniteLossException;
import dev.rgal.toolkit.progress.Progress;
import dev.rgal.toolkit.train.Seeds;
import dev.rgal.toolkit.train.Adam;
import dev.rgal.toolkit.train.KdTrainer;
import dev.rgal.toolkit.train.Sgd;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Trains a teacher on real data: shuffled batches with the train augmentation, cross-entropy,
 * Adam or SGD, evaluation on the test split after every epoch, and the teacher directory written
 * at the end. One seed drives initialisation, shuffling and augmentation, so the same seed gives
 * the same metrics on CPU.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class TeacherTrainer {
  private TeacherTrainer() {}

  /**
   * @param dataset dataset name ({@code fashion-mnist}, {@code mnist}, {@code cifar10}, {@code cifar100})
   * @param dataDir where its files are, or null for the dataset's default location
   * @param architecture zoo name
   * @param recipe optimiser and schedule
   * @param outDir teacher directory to write, or null to only train (tests)
   * @param overwrite replace an existing teacher in outDir
   * @param maxTrainImages use only the first N training images (0 = all), for quick runs
   */
  public record Request(String dataset, @Nullable Path dataDir, String architecture, TeacherRecipe recipe,
      @Nullable Path outDir, boolean overwrite, int maxTrainImages) {}

  /** One epoch's figures. */
  public record EpochStats(int epoch, double trainLoss, double testAccuracy, double seconds) {}

  /** The trained teacher's metadata and per-epoch figures. */
  public record Result(TeacherMetadata metadata, List<EpochStats> epochs) {}

  /**
   * Training on images already in memory (e.g. converted from a Tribuo {@code Dataset}), with the
   * same loop, seeds and teacher directory as {@link #train(Request, Map, Progress, Consumer)}.
   *
   * @param train training images, already at the net's input size
   * @param test test images for the per-epoch accuracy, or null (accuracies are then NaN)
   * @param spec shape, classes and normalisation; {@code spec.dataset()} is recorded as the teacher's dataset
   * @param architecture zoo name
   * @param recipe optimiser and schedule
   * @param outDir teacher directory to write, or null to only train
   * @param overwrite replace an existing teacher in outDir
   */
  public record InMemoryRequest(ImageDataset train, @Nullable ImageDataset test, DataSpec spec, String architecture,
      TeacherRecipe recipe, @Nullable Path outDir, boolean overwrite) {}

  public static Result train(Request req, Map<String, ArchitectureFactory> architectures, Progress progress,
      Consumer<EpochStats> onEpoch) {
    if (!architectures.containsKey(req.architecture())) {
      throw new DfkdException("unknown architecture '" + req.architecture() + "'; known: "
          + String.join(", ", new java.util.TreeSet<>(architectures.keySet())));
    }
    ImageDataset train = Datasets.open(req.dataset(), req.dataDir(), Datasets.Split.TRAIN);
    ImageDataset test = Datasets.open(req.dataset(), req.dataDir(), Datasets.Split.TEST);
    if (req.maxTrainImages() > 0 && req.maxTrainImages() < train.size()) {
      train = train.take(req.maxTrainImages());
    }
    return train(new InMemoryRequest(train, test, Datasets.dataSpec(req.dataset()), req.architecture(), req.recipe(),
        req.outDir(), req.overwrite()), architectures, progress, onEpoch);
  }

  /** Trains on in-memory images; see {@link InMemoryRequest}. */
  public static Result train(InMemoryRequest req, Map<String, ArchitectureFactory> architectures, Progress progress,
      Consumer<EpochStats> onEpoch) {
    ArchitectureFactory factory = architectures.get(req.architecture());
    if (factory == null) {
      throw new DfkdException("unknown architecture '" + req.architecture() + "'; known: "
          + String.join(", ", new java.util.TreeSet<>(architectures.keySet())));
    }
    ImageDataset train = req.train();
    ImageDataset test = req.test();
    DataSpec spec = req.spec();
    for (ImageDataset d : test == null ? List.of(train) : List.of(train, test)) {
      if (d.channels() != spec.channels() || d.height() != spec.height() || d.width() != spec.width()) {
        throw new DfkdException("images are " + d.channels() + "x" + d.height() + "x" + d.width()
            + " but the teacher takes " + spec.channels() + "x" + spec.height() + "x" + spec.width()
            + ": pad or resize the images to the network's input size");
      }
    }
    if (train.size() == 0) {
      throw new DfkdException("no training images: pass a non-empty training set");
    }
    Normalization norm = Normalization.of(spec);
    TeacherRecipe r = req.recipe();
    Engine.getInstance().setRandomSeed((int) Seeds.derive(r.seed(), "teacher-init", 0));
    List<EpochStats> stats = new ArrayList<>();
    try (NDManager root = NDManager.newBaseManager();
        FeatureNet net = factory.create(root, spec.channels(), spec.height(), spec.width(), spec.numClasses())) {
      List<NDArray> weights = KdTrainer.trainable(net.block());
      Adam adam = null;
      Sgd sgd = null;
      switch (r.optimizer()) {
        case "adam" -> adam = new Adam(List.of(new Adam.Group(weights, r.lr())), 0.9, 0.999, 1e-8, r.weightDecay(), root);
        case "sgd" -> sgd = new Sgd(weights, 0.9, r.weightDecay(), root);
        default -> throw new DfkdException("unknown optimizer '" + r.optimizer() + "'; use adam or sgd");
      }
      int steps = (train.size() + r.batchSize() - 1) / r.batchSize();
      double testAcc = Double.NaN;
      try (Progress.Task bar = progress.start("teacher " + req.architecture(), (long) r.epochs() * steps)) {
        for (int epoch = 0; epoch < r.epochs(); epoch++) {
          long t0 = System.nanoTime();
          Random rng = new Random(Seeds.derive(r.seed(), "teacher-epoch", epoch));
          Engine.getInstance().setRandomSeed((int) Seeds.derive(r.seed(), "teacher-engine", epoch));
          int[] perm = Seeds.permutation(train.size(), rng);
          double lr = r.lrAt(epoch);
          double lossSum = 0;
          for (int s = 0; s < steps; s++) {
            int from = s * r.batchSize();
            int[] idx = java.util.Arrays.copyOfRange(perm, from, Math.min(perm.length, from + r.batchSize()));
            double loss;
            try (NDManager m = root.newSubManager()) {
              NDList b = train.batch(m, idx);
              NDArray x = norm.apply(BatchAugment.cropAndFlip(b.get(0), r.cropPadding(), r.flip(), rng));
              try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray l = Losses.crossEntropy(net.forward(x, true).logits(), b.get(1));
                gc.backward(l);
                loss = l.getFloat();
              }
            }
            NonFiniteLossException.check("teacher training, epoch " + epoch + " step " + s, Map.of("cross-entropy", loss));
            if (adam != null) {
              adam.setLearningRateScale(lr / r.lr());
              adam.step();
            } else {
              sgd.step(lr);
            }
            lossSum += loss;
            bar.step(1, String.format(Locale.ROOT, "loss %.4f", loss));
          }
          testAcc = test == null ? Double.NaN : Evaluation.accuracy(net, test, spec, root);
          EpochStats es = new EpochStats(epoch, lossSum / steps, testAcc, (System.nanoTime() - t0) / 1e9);
          stats.add(es);
          bar.println(String.format(Locale.ROOT, "epoch %d/%d  train loss %.4f  test accuracy %.2f%%  %.1fs",
              epoch + 1, r.epochs(), es.trainLoss(), 100 * testAcc, es.seconds()));
          onEpoch.accept(es);
        }
      } finally {
        if (adam != null) {
          adam.close();
        }
        if (sgd != null) {
          sgd.close();
        }
      }
      TeacherMetadata meta = new TeacherMetadata(req.architecture(), spec.dataset(), spec.channels(), spec.height(),
          spec.width(), spec.numClasses(), spec.mean(), spec.std(), testAcc, r.seed(), TeacherStore.WEIGHTS, "",
          r.asMap());
      if (req.outDir() != null) {
        meta = TeacherStore.write(req.outDir(), net, meta, req.overwrite());
      }
      return new Result(meta, stats);
    }
  }
}
