package dev.rgal.kernel.bench;

import dev.rgal.toolkit.platform.ProcessMemory;

import dev.rgal.toolkit.graph.GraphScalars;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.rgal.api.DataSpec;
import dev.rgal.api.model.ArchitectureFactory;
import dev.rgal.api.model.FeatureNet;
import dev.rgal.api.model.Features;
import dev.rgal.toolkit.data.BatchAugment;
import dev.rgal.toolkit.data.Normalization;
import dev.rgal.toolkit.loss.Losses;
import dev.rgal.toolkit.train.Adam;
import dev.rgal.toolkit.train.KdTrainer;
import dev.rgal.toolkit.train.Sgd;
import dev.rgal.toolkit.zoo.Generator;
import dev.rgal.toolkit.zoo.ZooNet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.jspecify.annotations.Nullable;

/**
 * Times the two steps every method repeats, on randomly initialised networks (speed does not
 * depend on the weights):
 *
 * <ul>
 *   <li>a synthesis inner step: generator forward, augmentation, teacher forward with BN
 *       statistics, student forward, BN + one-hot + adversarial loss, backward into generator and
 *       z, Adam step;
 *   <li>a KD step: teacher forward without gradients, student forward and backward, SGD step.
 * </ul>
 *
 * A KD step costs {@code B·(2·MACs_teacher + 6·MACs_student)} flops (student backward ≈ twice its
 * forward), which gives the GFLOP/s compared with the engine's matmul rate.
 */
public final class StepBenchmark {
  private StepBenchmark() {}

  /** What was measured. */
  public record Result(
      double synthesisStepMs, double kdStepMs, double kdGflop, double kdGflops, double matmulGflops,
      long teacherMacsPerImage, long studentMacsPerImage, long peakRssBytes) {}

  /**
   * Sizes of the benchmark. With a {@code profileDir}, the timed steps are also recorded by
   * PyTorch's profiler into {@code synthesis-trace.json} and {@code kd-trace.json} there (the
   * profiler's overhead then inflates the times).
   */
  public record Setup(int channels, int height, int width, int classes, int batch, int nz, int ngf,
      int warmup, int repeats, @Nullable Path profileDir) {}

  @SuppressWarnings("try") // the profilers only bracket the timed steps
  public static Result run(ArchitectureFactory teacherArch, ArchitectureFactory studentArch, Setup s) {
    Engine.getInstance().setRandomSeed(0);
    DataSpec data = new DataSpec("bench", s.channels(), s.height(), s.width(), s.classes(),
        Collections.nCopies(s.channels(), 0.5), Collections.nCopies(s.channels(), 0.25));
    Normalization norm = Normalization.of(data);
    try (NDManager root = NDManager.newBaseManager();
        FeatureNet teacher = teacherArch.create(root, s.channels(), s.height(), s.width(), s.classes());
        FeatureNet student = studentArch.create(root, s.channels(), s.height(), s.width(), s.classes());
        Generator g = Generator.builder().nz(s.nz()).ngf(s.ngf()).channels(s.channels()).imageSize(s.height()).build(root)) {
      teacher.block().freezeParameters(true);
      Random rnd = new Random(0);
      NDArray z = root.randomNormal(new Shape(s.batch(), s.nz()));
      z.setRequiresGradient(true);
      NDArray targets = root.randomInteger(0, s.classes(), new Shape(s.batch()), ai.djl.ndarray.types.DataType.INT32);
      List<NDArray> genWeights = new ArrayList<>(KdTrainer.trainable(g.block()));
      genWeights.add(z);
      double synthMs;
      try (Adam adam = Adam.of(List.of(new Adam.Group(genWeights, 1e-3)), 0.5, 0.999, root);
          TorchProfiler profiler = TorchProfiler.startInto(trace(s, "synthesis-trace.json"))) {
        synthMs = Timing.medianMillis(s.warmup(), s.repeats(), () -> {
          try (NDManager m = root.newSubManager()) {
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
              m.tempAttachAll(z);
              NDArray x = g.forward(z, true);
              NDArray v = norm.apply(BatchAugment.cropAndFlip(x, 4, true, rnd));
              Features t = teacher.forwardWithBnStatistics(v, false);
              Features st = student.forward(v, false);
              NDArray loss = GraphScalars.mul(Losses.bnStatistics(t.bnStatistics()), 10)
                  .add(Losses.crossEntropy(t.logits(), targets))
                  .add(Losses.adversarial(st.logits(), t.logits()));
              gc.backward(loss);
            }
            adam.step();
          }
        });
      }
      NDArray images = root.randomNormal(new Shape(s.batch(), s.channels(), s.height(), s.width()));
      double kdMs;
      try (Sgd sgd = new Sgd(KdTrainer.trainable(student.block()), 0.9, 1e-4, root);
          TorchProfiler profiler = TorchProfiler.startInto(trace(s, "kd-trace.json"))) {
        kdMs = Timing.medianMillis(s.warmup(), s.repeats(), () -> {
          try (NDManager m = root.newSubManager()) {
            NDArray x = images.duplicate();
            x.attach(m);
            Features t = teacher.forward(x, false);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
              Features st = student.forward(x, true);
              gc.backward(Losses.kd(st.logits(), t.logits().stopGradient(), 20));
            }
            sgd.step(0.1);
          }
        });
      }
      long tm = macs(teacher);
      long sm = macs(student);
      double gflop = s.batch() * (2.0 * tm + 6.0 * sm) / 1e9;
      double matmul = MatmulRate.gflops(2048, 10);
      return new Result(synthMs, kdMs, gflop, gflop / (kdMs / 1000), matmul, tm, sm, ProcessMemory.peakRssBytes());
    }
  }

  private static @Nullable Path trace(Setup s, String name) {
    return s.profileDir() == null ? null : s.profileDir().resolve(name);
  }

  private static long macs(FeatureNet net) {
    return net instanceof ZooNet z ? z.macsPerImage() : -1;
  }
}
