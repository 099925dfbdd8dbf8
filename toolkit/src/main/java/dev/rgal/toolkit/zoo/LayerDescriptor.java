package dev.rgal.toolkit.zoo;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

import ai.djl.ndarray.types.Shape;

/**
 * One parametrised layer of a zoo net, as rewriting tools (quantizers) need to know it.
 *
 * @param name the state-dict name of the layer ({@code features.0}, {@code layer1.0.bn1})
 * @param kind what the layer computes
 * @param weightShape the weight's shape ([out, in, k, k] for convs, [out, in] for linear layers,
 *     [C] for BatchNorm's gamma)
 * @param hasBias whether the layer adds a bias (BatchNorm: its beta)
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record LayerDescriptor(String name, Kind kind, Shape weightShape, boolean hasBias) {
  /** Layer kinds of the zoo. {@code OTHER} is a parametrised layer no tool is expected to know. */
  public enum Kind { CONV, DENSE, BATCH_NORM, OTHER }
}
