package dev.rgal.toolkit.zoo;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.PairList;
import dev.rgal.api.model.BnStatistics;
import dev.rgal.api.model.FeatureNet;
import dev.rgal.api.model.Features;
import dev.rgal.api.model.NetInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@link FeatureNet} of every zoo architecture. Built by {@link Zoo}; owns a sub-manager of the
 * manager it was created with, which holds the parameters and is closed by {@link #close()}.
 *
 * <p>{@link #block()}'s DJL forward returns {@code [logits, pooled, stage_1..stage_n]}. Capturing
 * forwards pass a fresh sink through the DJL forward params (key {@code rgal.bnStatistics}), so
 * there is no shared mutable state between forwards. Not thread-safe (like every DJL block).
 */
@API(status = STABLE, since = "0.1")
public final class ZooNet implements FeatureNet, NamedWeights {
  private final NetInfo info;
  private final NetBody body;
  private final NDManager manager;
  private final Map<String, Parameter> stateDict;

  ZooNet(String architecture, NetBody body, NDManager parent, int channels, int height, int width,
      int numClasses) {
    this.body = body;
    this.manager = parent.newSubManager();
    try {
      body.initialize(manager, DataType.FLOAT32, new Shape(1, channels, height, width));
      Map<String, Parameter> names = new LinkedHashMap<>();
      body.collectStateDict(names);
      this.stateDict = Collections.unmodifiableMap(names);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
    int bnLayers = (int) stateDict.keySet().stream().filter(k -> k.endsWith(".running_mean")).count();
    List<Long> stageChannels = new ArrayList<>();
    for (Shape s : body.stageShapes()) {
      stageChannels.add(s.get(0));
    }
    this.info = new NetInfo(architecture, channels, height, width, numClasses, body.pooledDim(),
        stageChannels, bnLayers);
  }

  @Override
  public NetInfo info() {
    return info;
  }

  @Override
  public Block block() {
    return body;
  }

  @Override
  public String architecture() {
    return info.architecture();
  }

  @Override
  public Map<String, Parameter> stateDict() {
    return stateDict;
  }

  /** Stage output shapes [C, H, W] for the input size of {@link #info()}, in order. */
  public List<Shape> stageShapes() {
    return body.stageShapes();
  }

  /** The manager that owns the parameters (a child of the creating manager). */
  public NDManager manager() {
    return manager;
  }

  @Override
  public Features forward(NDArray x, boolean training) {
    return unpack(body.features(x, training, null), List.of());
  }

  /**
   * Forward pass with transform points: every conv/linear weight and every ReLU output goes
   * through {@code hooks} (see {@link ForwardHooks}).
   */
  public Features forward(NDArray x, boolean training, ForwardHooks hooks) {
    PairList<String, Object> params = new PairList<>();
    params.add(ForwardHooks.KEY, hooks);
    return unpack(body.features(x, training, params), List.of());
  }

  /** {@link #forwardWithBnStatistics(NDArray, boolean)} with transform points. */
  public Features forwardWithBnStatistics(NDArray x, boolean training, ForwardHooks hooks) {
    List<BnStatistics> sink = new ArrayList<>(info.bnLayers());
    PairList<String, Object> params = new PairList<>();
    params.add(BnLayer.SINK, sink);
    params.add(ForwardHooks.KEY, hooks);
    return unpack(body.features(x, training, params), sink);
  }

  /** The parametrised layers (convs, linear layers, BatchNorms), in registration order. */
  public List<LayerDescriptor> layers() {
    List<LayerDescriptor> out = new ArrayList<>();
    describeLayers(body, out);
    return List.copyOf(out);
  }

  private static void describeLayers(Block block, List<LayerDescriptor> out) {
    if (block instanceof ConvLayer c) {
      out.add(new LayerDescriptor(c.torchName, LayerDescriptor.Kind.CONV, c.weight().getShape(), c.bias() != null));
    } else if (block instanceof DenseLayer d) {
      out.add(new LayerDescriptor(d.torchName, LayerDescriptor.Kind.DENSE, d.weight().getShape(), true));
    } else if (block instanceof BnLayer b) {
      out.add(new LayerDescriptor(b.torchName, LayerDescriptor.Kind.BATCH_NORM, b.gamma().getShape(), true));
    } else if (block.getChildren().isEmpty() && !block.getDirectParameters().isEmpty()) {
      out.add(new LayerDescriptor(block.getClass().getSimpleName(), LayerDescriptor.Kind.OTHER,
          block.getDirectParameters().valueAt(0).getShape(), false));
    } else {
      for (Block child : block.getChildren().values()) {
        describeLayers(child, out);
      }
    }
  }

  /**
   * The ReLU sites of {@link ForwardHooks#activation}, in forward order, found by running one
   * zero image through the net.
   */
  public List<String> activationSites() {
    List<String> sites = new ArrayList<>();
    ForwardHooks recorder = new ForwardHooks() {
      @Override
      public NDArray activation(String site, NDArray x) {
        sites.add(site);
        return x;
      }
    };
    try (NDManager m = manager.newSubManager()) {
      forward(m.zeros(new Shape(1, info.channels(), info.height(), info.width())), false, recorder);
    }
    return List.copyOf(sites);
  }

  /**
   * For each ReLU site whose input is exactly a BatchNorm's output, that BN's state-dict name
   * (prefix of {@code .weight}, {@code .bias}, ...), in forward order; a ReLU after a residual sum
   * or a linear layer without BN is absent. Found by running one zero image through the net.
   */
  public Map<String, String> batchNormBeforeActivation() {
    Map<String, String> found = new LinkedHashMap<>();
    PairList<String, Object> params = new PairList<>();
    params.add(Layer.BN_BEFORE_RELU, found);
    try (NDManager m = manager.newSubManager()) {
      body.features(m.zeros(new Shape(1, info.channels(), info.height(), info.width())), false, params);
    }
    return Collections.unmodifiableMap(found);
  }

  @Override
  public Features forwardWithBnStatistics(NDArray x, boolean training) {
    List<BnStatistics> sink = new ArrayList<>(info.bnLayers());
    PairList<String, Object> params = new PairList<>();
    params.add(BnLayer.SINK, sink);
    return unpack(body.features(x, training, params), sink);
  }

  /**
   * Multiply-accumulates of one forward pass per image (convolutions and linear layers), measured
   * by running one image through the network.
   */
  public long macsPerImage() {
    MacCounter counter = new MacCounter();
    PairList<String, Object> params = new PairList<>();
    params.add(MacCounter.KEY, counter);
    try (NDManager m = manager.newSubManager()) {
      body.features(m.zeros(new ai.djl.ndarray.types.Shape(1, info.channels(), info.height(), info.width())), false, params);
    }
    return counter.total();
  }

  private static Features unpack(NDList out, List<BnStatistics> bn) {
    return new Features(out.get(0), out.get(1), out.subList(2, out.size()), bn);
  }

  @Override
  public void close() {
    manager.close();
  }

  @Override
  public String toString() {
    return "ZooNet[" + info.architecture() + ", " + info.channels() + "x" + info.height() + "x"
        + info.width() + " -> " + info.numClasses() + "]";
  }
}
