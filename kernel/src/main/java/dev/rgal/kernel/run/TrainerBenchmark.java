package dev.rgal.kernel.run;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.rgal.api.Bindings.Registry;
import dev.rgal.api.DataSpec;
import dev.rgal.api.DfkdException;
import dev.rgal.api.RunSpec;
import dev.rgal.api.task.TransferTask;
import dev.rgal.api.model.ArchitectureFactory;
import dev.rgal.api.model.FeatureNet;
import dev.rgal.api.training.StudentContext;
import dev.rgal.toolkit.data.Datasets;
import dev.rgal.toolkit.data.ImageDataset;
import dev.rgal.toolkit.data.InMemoryDataPool;
import dev.rgal.kernel.plugin.PluginHost;
import dev.rgal.toolkit.teacher.LoadedTeacher;
import dev.rgal.toolkit.teacher.TeacherStore;
import dev.rgal.toolkit.train.KdTrainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jspecify.annotations.Nullable;

/**
 * Milliseconds per student-training step of each method's own {@code StudentTrainer} (e.g. the
 * plain {@code kd} trainer of {@code fast} against the {@code rgal} trainer of {@code fast+rgal}),
 * measured through the same code path a run uses: the method's spec, its student terms, the pool's
 * (paired) sampling and augmentation, the student's optimiser.
 *
 * <p>The pool is filled with real test images, only to control the label mix the trainer sees
 * (labels are the teacher's argmax, so real images give ~25 per class in a batch of 256):
 * {@code balanced} takes them as they come; {@code unbalanced} makes one class 60 % of the pool and
 * spreads the other 40 % over the rest, which multiplies the same-label pairs (triplets) of the
 * relation loss. The pool lives in a temporary file that is deleted afterwards.
 */
public final class TrainerBenchmark {
  private TrainerBenchmark() {}

  /** What to measure. */
  public record Setup(Path teacherDir, @Nullable Path testData, List<String> methods, boolean unbalanced,
      int poolSize, int stepsPerEpoch, int warmupEpochs, int timedEpochs) {
    public Setup {
      methods = List.copyOf(methods);
      if (methods.isEmpty() || poolSize < 256 || stepsPerEpoch < 1 || timedEpochs < 1 || warmupEpochs < 0) {
        throw new DfkdException("trainer benchmark needs methods, a pool of ≥ 256 images and ≥ 1 step and timed epoch");
      }
    }
  }

  /** One method's figures. */
  public record Row(String method, String trainer, double msPerStep, int batchRows, double sameLabelPairsPerBatch) {}

  public static List<Row> run(PluginHost host, Setup setup) {
    List<Row> rows = new ArrayList<>();
    Path tmp;
    try {
      tmp = Files.createTempDirectory("rgal-trainer-bench");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (NDManager root = NDManager.newBaseManager()) {
      Map<String, ArchitectureFactory> archs = host.registry(Registry.ARCHITECTURES, ArchitectureFactory.class);
      LoadedTeacher teacher = TeacherStore.load(setup.teacherDir(), archs, root);
      DataSpec data = teacher.metadata().dataSpec();
      ImageDataset test = Datasets.open(data.dataset(), setup.testData(), Datasets.Split.TEST);
      int[] picked = pick(test, setup.poolSize(), setup.unbalanced(), new Random(7));
      MethodResolver resolver = new MethodResolver(host);
      for (String method : setup.methods()) {
        RunSpec spec = resolver.resolve(method, null, Map.of("schedule.kdStepsPerEpoch", String.valueOf(setup.stepsPerEpoch())));
        Path poolFile = tmp.resolve(method.replaceAll("[^A-Za-z0-9]", "_") + ".bin");
        Engine.getInstance().setRandomSeed(1);
        try (NDManager run = root.newSubManager();
            InMemoryDataPool pool = InMemoryDataPool.open(poolFile, data, spec.kdAugmentation())) {
          try (NDManager m = run.newSubManager()) {
            NDList b = test.batch(m, picked);
            pool.add(b.get(0), b.get(1));
          }
          try (TransferTask task = RunComponents.task(host, spec, teacher.net(), teacher.metadata().weightsSha256(), data, run);
              RunComponents c = RunComponents.build(host, spec, teacher.net(), task, data, run)) {
            FeatureNet student = task.student();
            double[] perStep = new double[setup.timedEpochs()];
            int epochs = setup.warmupEpochs() + setup.timedEpochs();
            for (int e = 0; e < epochs; e++) {
              long t0 = System.nanoTime();
              try (NDManager em = run.newSubManager()) {
                c.trainer.trainEpoch(new StudentContext(teacher.net(), student, pool,
                    c.studentTerms, e, epochs, setup.stepsPerEpoch(), em, new Random(100 + e)));
              }
              double ms = (System.nanoTime() - t0) / 1e6;
              if (e >= setup.warmupEpochs()) {
                perStep[e - setup.warmupEpochs()] = ms / setup.stepsPerEpoch();
              }
            }
            Arrays.sort(perStep);
            int rowsPerBatch = batchSize(host, spec);
            rows.add(new Row(method, spec.trainer().name(), perStep[perStep.length / 2], rowsPerBatch,
                sameLabelPairs(test, picked, rowsPerBatch)));
          }
        }
      }
    } finally {
      deleteQuietly(tmp);
    }
    return rows;
  }

  /** Indices of the pool's images: the first {@code n} as they come, or (at most n) with 60 % from class 0. */
  static int[] pick(ImageDataset test, int n, boolean unbalanced, Random random) {
    if (n > test.size()) {
      throw new DfkdException("trainer benchmark pool of " + n + " images needs that many test images; the test set has " + test.size());
    }
    if (!unbalanced) {
      int[] all = new int[n];
      Arrays.setAll(all, i -> i);
      return all;
    }
    // 60 % from class 0; a smaller pool when the class has too few images, so the mix holds
    int available = (int) java.util.stream.IntStream.range(0, test.size()).filter(i -> test.label(i) == 0).count();
    int major = Math.min((int) Math.round(0.6 * n), available);
    int minor = (int) Math.round(major * 0.4 / 0.6);
    List<Integer> out = new ArrayList<>();
    List<Integer> rest = new ArrayList<>();
    for (int i = 0; i < test.size(); i++) {
      if (test.label(i) == 0) {
        if (out.size() < major) {
          out.add(i);
        }
      } else if (rest.size() < minor) {
        rest.add(i);
      }
    }
    out.addAll(rest);
    java.util.Collections.shuffle(out, random);
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Expected ordered same-label pairs in a batch of {@code rows} drawn from the pool's mix. */
  static double sameLabelPairs(ImageDataset test, int[] picked, int rows) {
    double[] share = new double[test.numClasses()];
    for (int i : picked) {
      share[test.label(i)] += 1.0 / picked.length;
    }
    double pairs = 0;
    for (double p : share) {
      double k = p * rows;
      pairs += k * Math.max(0, k - 1);
    }
    return pairs;
  }

  private static void deleteQuietly(Path dir) {
    try (var s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temporary directory; the OS cleans it eventually
    }
  }

  /** The trainer's batch size option (the {@code kd} loop's {@link KdTrainer#BATCH_SIZE}). */
  private static int batchSize(PluginHost host, RunSpec spec) {
    dev.rgal.api.options.OptionValues o = new SpecValidator(host).options(Registry.STUDENT_TRAINERS,
        spec.trainer().name(), spec.trainer().settings(), "trainer");
    if (o.declared().find(KdTrainer.BATCH_SIZE.name()) == null) {
      throw new dev.rgal.api.DfkdException("trainer '" + spec.trainer().name()
          + "' declares no batchSize option: the trainer benchmark measures KD-loop trainers only");
    }
    return o.get(KdTrainer.BATCH_SIZE);
  }
}
