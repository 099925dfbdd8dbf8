package dev.rgal.quantization;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import dev.rgal.api.DfkdException;
import dev.rgal.api.model.FeatureNet;
import dev.rgal.api.model.Features;
import dev.rgal.api.model.NetInfo;
import dev.rgal.toolkit.graph.NoGrad;
import dev.rgal.toolkit.zoo.ForwardHooks;
import dev.rgal.toolkit.zoo.LayerDescriptor;
import dev.rgal.toolkit.zoo.Zoo;
import dev.rgal.toolkit.zoo.ZooNet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A fake-quantized deep copy of a zoo net (spec §1.2-1.6, §6.1). The teacher is never touched:
 * the copy is a new net of the same architecture whose parameters and BN running statistics are
 * copied value by value. Its forward runs the copy with {@link ForwardHooks}: every conv/linear
 * weight is fake-quantized per output channel from its shadow weight, every ReLU output goes
 * through its activation quantizer; the input image, biases, BN, residual sums without a ReLU,
 * pooled features and logits stay full precision. Gradients pass straight through to the shadow
 * weights (identity STE, no clip mask).
 *
 * <p>Widths per layer follow the {@link LayerPolicy}; a width of 32 means no quantizer. Close the
 * net to release its parameters.
 */
public final class QuantizedNet implements FeatureNet {
  private final ZooNet copy;
  private final QuantizationConfig config;
  private final Map<String, WeightQuantizer> weights;
  private final Map<String, ActivationQuantizer> activations;
  // a reloaded model holds already-dequantized weights: no second quantization
  private final boolean deployed;

  private QuantizedNet(ZooNet copy, QuantizationConfig config, Map<String, WeightQuantizer> weights,
      Map<String, ActivationQuantizer> activations, boolean deployed) {
    this.copy = copy;
    this.config = config;
    this.weights = weights;
    this.activations = activations;
    this.deployed = deployed;
  }

  /**
   * Quantizes a deep copy of {@code teacher}; its activation quantizers start calibrating.
   *
   * @param manager parent of the copy's manager
   * @throws DfkdException if the teacher is not a zoo net or has a layer without a quantizer
   */
  public static QuantizedNet of(FeatureNet teacher, QuantizationConfig config, NDManager manager) {
    if (!(teacher instanceof ZooNet zoo)) {
      throw new DfkdException("cannot quantize " + teacher.info().architecture() + ": only zoo architectures ("
          + String.join(", ", Zoo.names()) + ") have quantizers");
    }
    NetInfo info = zoo.info();
    ZooNet copy = Zoo.create(info.architecture(), manager, info.channels(), info.height(), info.width(), info.numClasses());
    try {
      copyValues(zoo, copy);
      return build(copy, config, false);
    } catch (RuntimeException e) {
      copy.close();
      throw e;
    }
  }

  /** Wraps a net whose parameters are already set; used by {@link QuantizedModelFile}. */
  static QuantizedNet build(ZooNet net, QuantizationConfig config, boolean deployed) {
    List<LayerDescriptor> weightLayers = new ArrayList<>();
    for (LayerDescriptor d : net.layers()) {
      switch (d.kind()) {
        case CONV, DENSE -> weightLayers.add(d);
        case BATCH_NORM -> { } // kept in full precision, not folded (§1.5)
        default -> throw new DfkdException("architecture " + net.architecture() + " has layer " + d.name()
            + " of kind " + d.kind() + ", which has no quantizer: quantize a zoo architecture ("
            + String.join(", ", Zoo.names()) + ")");
      }
    }
    List<String> order = weightOrder(net);
    if (!new HashSet<>(order).equals(names(weightLayers)) || order.size() != weightLayers.size()) {
      throw new DfkdException("architecture " + net.architecture() + ": layers " + names(weightLayers)
          + " but the forward quantizes " + order + "; a layer without a quantizer hook cannot be quantized");
    }
    BitWidths bits = config.bits();
    Map<String, WeightQuantizer> w = new LinkedHashMap<>();
    for (int i = 0; i < order.size(); i++) {
      boolean end = i == 0 || i == order.size() - 1;
      int k = end ? config.policy().endBits(bits.weights()) : bits.weights();
      if (!BitWidths.isFull(k)) {
        w.put(order.get(i), new WeightQuantizer(order.get(i), k));
      }
    }
    List<String> sites = net.activationSites();
    Map<String, ActivationQuantizer> a = new LinkedHashMap<>();
    for (int i = 0; i < sites.size(); i++) {
      // the last ReLU feeds the classifier (directly or through the average pool)
      int k = i == sites.size() - 1 ? config.policy().endBits(bits.activations()) : bits.activations();
      if (!BitWidths.isFull(k)) {
        a.put(sites.get(i), new ActivationQuantizer(sites.get(i), k, config.estimator()));
      }
    }
    return new QuantizedNet(net, config, w, a, deployed);
  }

  private static Set<String> names(List<LayerDescriptor> layers) {
    Set<String> s = new HashSet<>();
    layers.forEach(d -> s.add(d.name()));
    return s;
  }

  /** The weight layers in forward order, from one probe forward. */
  private static List<String> weightOrder(ZooNet net) {
    List<String> order = new ArrayList<>();
    ForwardHooks recorder = new ForwardHooks() {
      @Override
      public NDArray weight(String layer, NDArray weight) {
        order.add(layer);
        return weight;
      }
    };
    NetInfo i = net.info();
    try (NDManager m = net.manager().newSubManager()) {
      net.forward(m.zeros(new ai.djl.ndarray.types.Shape(1, i.channels(), i.height(), i.width())), false, recorder);
    }
    return order;
  }

  private static void copyValues(ZooNet from, ZooNet to) {
    Map<String, Parameter> dst = to.stateDict();
    for (Map.Entry<String, Parameter> e : from.stateDict().entrySet()) {
      NDArray target = dst.get(e.getKey()).getArray();
      float[] values = e.getValue().getArray().toFloatArray();
      NoGrad.run(() -> target.set(values));
    }
  }

  /** The copy's zoo net (its parameters are the shadow weights). */
  public ZooNet net() {
    return copy;
  }

  public QuantizationConfig config() {
    return config;
  }

  /** Weight quantizers by layer, in forward order (full-precision layers absent). */
  public Map<String, WeightQuantizer> weightQuantizers() {
    return java.util.Collections.unmodifiableMap(weights);
  }

  /** Activation quantizers by ReLU site, in forward order (full-precision sites absent). */
  public Map<String, ActivationQuantizer> activationQuantizers() {
    return java.util.Collections.unmodifiableMap(activations);
  }

  /** The weight layers in forward order with their widths (32 for full precision). */
  public Map<String, Integer> weightBits() {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (String layer : weightOrder(copy)) {
      WeightQuantizer q = weights.get(layer);
      out.put(layer, q == null ? BitWidths.FULL : q.bits());
    }
    return out;
  }

  /** Whether this net was reloaded from a quantized-model file (weights fixed on the grid). */
  public boolean deployed() {
    return deployed;
  }

  /** Puts every activation quantizer into calibration, discarding its range. */
  public void startCalibration() {
    activations.values().forEach(ActivationQuantizer::calibrate);
  }

  /** Freezes every activation range. */
  public void freezeRanges() {
    activations.values().forEach(ActivationQuantizer::freeze);
  }

  /** Whether every activation range is frozen (trivially true without activation quantizers). */
  public boolean rangesFrozen() {
    return activations.values().stream().allMatch(q -> q.state() == ActivationQuantizer.State.FROZEN);
  }

  @Override
  public NetInfo info() {
    return copy.info();
  }

  @Override
  public Block block() {
    return copy.block();
  }

  @Override
  public Features forward(NDArray x, boolean training) {
    return copy.forward(x, bnTraining(training), hooks(x.getManager()));
  }

  @Override
  public Features forwardWithBnStatistics(NDArray x, boolean training) {
    return copy.forwardWithBnStatistics(x, bnTraining(training), hooks(x.getManager()));
  }

  private boolean bnTraining(boolean training) {
    return training && config.bnMode() == BnMode.BATCH_STATISTICS;
  }

  private ForwardHooks hooks(NDManager scope) {
    return new ForwardHooks() {
      @Override
      public NDArray weight(String layer, NDArray weight) {
        WeightQuantizer q = weights.get(layer);
        return q == null || deployed ? weight : q.apply(weight, scope);
      }

      @Override
      public NDArray activation(String site, NDArray x) {
        ActivationQuantizer q = activations.get(site);
        return q == null ? x : q.apply(x);
      }
    };
  }

  /** The integer form of every quantized weight, from the current shadow weights. */
  public List<QuantizedTensor> exportWeights() {
    if (deployed) {
      throw new IllegalStateException("a reloaded quantized model keeps its integer weights in its file");
    }
    List<QuantizedTensor> out = new ArrayList<>();
    Map<String, Parameter> sd = copy.stateDict();
    for (WeightQuantizer q : weights.values()) {
      out.add(q.export(sd.get(q.layer() + ".weight").getArray()));
    }
    return out;
  }

  @Override
  public void close() {
    copy.close();
  }

  @Override
  public String toString() {
    return "QuantizedNet[" + copy.architecture() + ", " + config.bits() + ", " + config.policy() + "]";
  }
}
