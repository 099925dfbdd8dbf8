package dev.rgal.api.model;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import ai.djl.ndarray.NDManager;

/** Builds a freshly initialised network of one architecture; bound by name in the zoo. */
@FunctionalInterface
@API(status = STABLE, since = "0.1")
public interface ArchitectureFactory {
  /**
   * @param manager manager that will own the parameters
   * @param channels input channels
   * @param height input height
   * @param width input width
   * @param numClasses output classes
   */
  FeatureNet create(NDManager manager, int channels, int height, int width, int numClasses);
}
