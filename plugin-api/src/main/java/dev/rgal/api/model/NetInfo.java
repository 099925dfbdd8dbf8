package dev.rgal.api.model;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import java.util.List;

/**
 * Shape facts about a feature network.
 *
 * @param architecture zoo name, e.g. {@code wrn-40-2}
 * @param channels input channels
 * @param height input height
 * @param width input width
 * @param numClasses logits per sample
 * @param pooledDim size of the pooled (penultimate) feature
 * @param stageChannels channels of each stage output, in order
 * @param bnLayers number of BatchNorm layers whose statistics a capturing forward reports
 */
@API(status = STABLE, since = "0.1")
public record NetInfo(
    String architecture, int channels, int height, int width, int numClasses,
    long pooledDim, List<Long> stageChannels, int bnLayers) {
  public NetInfo {
    stageChannels = List.copyOf(stageChannels);
  }
}
