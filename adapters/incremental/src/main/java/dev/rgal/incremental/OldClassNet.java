package dev.rgal.incremental;

import ai.djl.nn.Block;
import ai.djl.ndarray.NDArray;
import dev.rgal.api.model.FeatureNet;
import dev.rgal.api.model.Features;
import dev.rgal.api.model.NetInfo;

/**
 * A view of a model that answers with its K_o old-class logits only, so that a toolkit
 * synthesizer, which knows nothing of tasks, inverts M_{t−1} restricted to the earlier classes
 * (spec §7.4). It owns nothing: closing it leaves the model open.
 */
final class OldClassNet implements FeatureNet {
  private final FeatureNet model;
  private final int oldClasses;
  private final NetInfo info;

  OldClassNet(FeatureNet model, int oldClasses) {
    this.model = model;
    this.oldClasses = oldClasses;
    NetInfo i = model.info();
    this.info = new NetInfo(i.architecture(), i.channels(), i.height(), i.width(), oldClasses, i.pooledDim(),
        i.stageChannels(), i.bnLayers());
  }

  @Override
  public NetInfo info() {
    return info;
  }

  @Override
  public Block block() {
    return model.block();
  }

  @Override
  public Features forward(NDArray x, boolean training) {
    return RelationTerms.oldClasses(model.forward(x, training), oldClasses);
  }

  @Override
  public Features forwardWithBnStatistics(NDArray x, boolean training) {
    return RelationTerms.oldClasses(model.forwardWithBnStatistics(x, training), oldClasses);
  }

  @Override
  public void close() {
    // a view: the model belongs to the caller
  }
}
