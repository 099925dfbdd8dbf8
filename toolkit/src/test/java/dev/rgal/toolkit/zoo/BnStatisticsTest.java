package dev.rgal.toolkit.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.GradientCollector;
import dev.rgal.api.model.BnStatistics;
import dev.rgal.api.model.Features;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The captured statistics against a hand-written LeNet-5-BN forward. */
class BnStatisticsTest {
  static NDManager manager;

  @BeforeAll
  static void open() {
    manager = NDManager.newBaseManager();
    Engine.getInstance().setRandomSeed(7);
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  /** Per-channel mean of [N, C, H, W] by single-axis means (independent of the tap's reshape). */
  static NDArray channelMean(NDArray x) {
    return x.mean(new int[] {0}).mean(new int[] {1}).mean(new int[] {1});
  }

  static NDArray channelVar(NDArray x, NDArray mean) {
    return channelMean(x.sub(mean.reshape(1, -1, 1, 1)).square());
  }

  static NDArray param(ZooNet net, String name) {
    return net.stateDict().get(name).getArray();
  }

  record Expected(List<NDArray> means, List<NDArray> vars, List<NDArray> instances) {}

  /** Runs the LeNet-5-BN forward by hand and returns the inputs' stats of the three BN layers. */
  static Expected manual(ZooNet net, NDArray x, boolean training) {
    List<NDArray> means = new ArrayList<>();
    List<NDArray> vars = new ArrayList<>();
    List<NDArray> instances = new ArrayList<>();
    NDArray h = x;
    String[][] names = {{"features.0", "features.1"}, {"features.4", "features.5"}, {"features.8", "features.9"}};
    for (int i = 0; i < 3; i++) {
      NDArray z = Conv2d.conv2d(h, param(net, names[i][0] + ".weight"), param(net, names[i][0] + ".bias"))
          .singletonOrThrow();
      NDArray m = channelMean(z);
      NDArray v = channelVar(z, m);
      means.add(m);
      vars.add(v);
      instances.add(z.mean(new int[] {3}).mean(new int[] {2}));
      String bn = names[i][1];
      NDArray useMean = training ? m : param(net, bn + ".running_mean");
      NDArray useVar = training ? v : param(net, bn + ".running_var");
      NDArray norm = z.sub(useMean.reshape(1, -1, 1, 1)).div(useVar.add(1e-5f).sqrt().reshape(1, -1, 1, 1))
          .mul(param(net, bn + ".weight").reshape(1, -1, 1, 1)).add(param(net, bn + ".bias").reshape(1, -1, 1, 1));
      h = Activation.relu(norm);
      if (i < 2) {
        h = Pool.maxPool2d(h, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
      }
    }
    return new Expected(means, vars, instances);
  }

  static void assertClose(NDArray expected, NDArray actual, String what) {
    assertEquals(expected.getShape(), actual.getShape(), what);
    float diff = expected.sub(actual).abs().max().getFloat();
    float scale = Math.max(1f, expected.abs().max().getFloat());
    assertTrue(diff <= 1e-4f * scale, what + ": max difference " + diff);
  }

  /** Gives every BN layer non-trivial affine parameters and running statistics. */
  static void perturb(ZooNet net, NDManager m) {
    for (var e : net.stateDict().entrySet()) {
      NDArray a = e.getValue().getArray();
      if (e.getKey().endsWith("running_var")) {
        Tensors.copyInto(a, m.randomUniform(0.5f, 2f, a.getShape()));
      } else if (e.getKey().endsWith("running_mean") || e.getKey().matches("features\\.[159]\\..*")) {
        Tensors.copyInto(a, m.randomNormal(0.3f, 0.5f, a.getShape(), a.getDataType()));
      }
    }
  }

  @ParameterizedTest(name = "training = {0}")
  @ValueSource(booleans = {false, true})
  void capturedStatisticsEqualADirectComputation(boolean training) {
    try (ZooNet net = Zoo.create("lenet5-bn", manager, 1, 32, 32, 10);
        NDManager sub = manager.newSubManager()) {
      perturb(net, sub);
      NDArray x = sub.randomNormal(new Shape(8, 1, 32, 32));
      List<NDArray> rmBefore = new ArrayList<>();
      List<NDArray> rvBefore = new ArrayList<>();
      for (String bn : List.of("features.1", "features.5", "features.9")) {
        rmBefore.add(param(net, bn + ".running_mean").duplicate());
        rvBefore.add(param(net, bn + ".running_var").duplicate());
      }
      Expected want = manual(net, x, training);
      Features f = net.forwardWithBnStatistics(x, training);
      List<BnStatistics> got = f.bnStatistics();
      assertEquals(List.of("features.1", "features.5", "features.9"),
          got.stream().map(BnStatistics::layer).toList());
      for (int i = 0; i < 3; i++) {
        BnStatistics s = got.get(i);
        assertClose(want.means().get(i), s.batchMean(), s.layer() + " batch mean");
        assertClose(want.vars().get(i), s.batchVar(), s.layer() + " biased batch variance");
        assertClose(want.instances().get(i), s.instanceMean(), s.layer() + " per-sample channel means");
        // the running statistics reported are the layer's own (live) arrays
        assertSame(param(net, s.layer() + ".running_mean"), s.runningMean());
        assertSame(param(net, s.layer() + ".running_var"), s.runningVar());
        if (training) {
          // PyTorch momentum 0.1; the running variance uses the unbiased batch variance
          long n = 8L * (i == 0 ? 28 * 28 : i == 1 ? 10 * 10 : 1);
          NDArray rm = rmBefore.get(i).mul(0.9f).add(want.means().get(i).mul(0.1f));
          NDArray rv = rvBefore.get(i).mul(0.9f).add(want.vars().get(i).mul(0.1f * n / (n - 1)));
          assertClose(rm, s.runningMean(), s.layer() + " updated running mean");
          assertClose(rv, s.runningVar(), s.layer() + " updated running variance");
        } else {
          assertClose(rmBefore.get(i), s.runningMean(), s.layer() + " running mean unchanged in eval");
          assertClose(rvBefore.get(i), s.runningVar(), s.layer() + " running var unchanged in eval");
        }
      }
    }
  }

  @Test
  void aLossOnBatchStatisticsBackPropagatesToTheInput() {
    try (ZooNet net = Zoo.create("resnet18", manager, 3, 32, 32, 10);
        NDManager sub = manager.newSubManager()) {
      net.block().freezeParameters(true);
      NDArray x = sub.randomNormal(new Shape(4, 3, 32, 32));
      x.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        Features f = net.forwardWithBnStatistics(x, false);
        assertEquals(20, f.bnStatistics().size());
        NDArray loss = null;
        for (BnStatistics s : f.bnStatistics()) {
          NDArray term = s.batchMean().sub(s.runningMean()).norm().add(s.batchVar().sub(s.runningVar()).norm());
          loss = loss == null ? term : loss.add(term);
        }
        gc.backward(loss);
      }
      NDArray g = x.getGradient();
      assertEquals(x.getShape(), g.getShape());
      float norm = g.norm().getFloat();
      assertTrue(norm > 0 && Float.isFinite(norm), "input gradient norm " + norm);
    }
  }

  @Test
  void resnetStatisticsAreInNetworkOrderAndTheFirstMatchesTheStem() {
    try (ZooNet net = Zoo.create("resnet18", manager, 3, 32, 32, 10);
        NDManager sub = manager.newSubManager()) {
      NDArray x = sub.randomNormal(new Shape(2, 3, 32, 32));
      List<BnStatistics> s = net.forwardWithBnStatistics(x, false).bnStatistics();
      List<String> bnNames = net.stateDict().keySet().stream().filter(k -> k.endsWith(".running_mean"))
          .map(k -> k.substring(0, k.length() - ".running_mean".length())).toList();
      assertEquals(bnNames, s.stream().map(BnStatistics::layer).toList());
      assertEquals("layer2.0.shortcut.1", s.get(7).layer());
      NDArray stem = Conv2d.conv2d(x, param(net, "conv1.weight"), null, new Shape(1, 1), new Shape(1, 1))
          .singletonOrThrow();
      NDArray m = channelMean(stem);
      assertClose(m, s.get(0).batchMean(), "bn1 mean");
      assertClose(channelVar(stem, m), s.get(0).batchVar(), "bn1 var");
    }
  }

  @Test
  void twoDimensionalInputsAreSupported() {
    BnLayer bn = new BnLayer("fc.bn", 4);
    try (NDManager sub = manager.newSubManager()) {
      bn.initialize(sub, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, 4));
      NDArray x = sub.randomNormal(2f, 3f, new Shape(16, 4), ai.djl.ndarray.types.DataType.FLOAT32);
      List<BnStatistics> sink = new ArrayList<>();
      ai.djl.util.PairList<String, Object> params = new ai.djl.util.PairList<>();
      params.add(BnLayer.SINK, sink);
      bn.apply(x, true, params);
      NDArray mean = x.mean(new int[] {0});
      assertClose(mean, sink.get(0).batchMean(), "mean");
      assertClose(x.sub(mean).square().mean(new int[] {0}), sink.get(0).batchVar(), "biased var");
      assertSame(x, sink.get(0).instanceMean());
    }
  }
}
