package dev.rgal.quantization;

import dev.rgal.api.DfkdException;
import dev.rgal.api.synthesis.Synthesizer;
import dev.rgal.api.synthesis.SynthesisContext;
import dev.rgal.api.synthesis.SyntheticBatch;
import dev.rgal.api.TagContributor;
import java.util.Map;

/**
 * Row R1's data source: no data at all. It never produces an image; a run that asks it for one
 * (warm-up calls, epochs, data-calibrated ranges) was configured for a data source and is stopped
 * with the fix. Pair it with {@code task.settings.ranges=bn} ({@code rgal quantize --data none}).
 */
final class NoDataSynthesizer implements Synthesizer, TagContributor {
  @Override
  public SyntheticBatch synthesize(SynthesisContext c) {
    throw new DfkdException("data source 'none' synthesises no images, but the run asked it for some: use it with "
        + "task.settings.ranges=bn, schedule.warmupCalls=0 and schedule.epochs=0 (rgal quantize --data none), or choose a data source");
  }

  @Override
  public Map<String, String> runTags() {
    return Map.of("data.source", "none");
  }

  @Override
  public void saveState(java.io.DataOutputStream out) {}

  @Override
  public void loadState(java.io.DataInputStream in) {}
}
