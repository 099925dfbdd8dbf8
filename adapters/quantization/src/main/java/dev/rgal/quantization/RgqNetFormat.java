package dev.rgal.quantization;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

import ai.djl.ndarray.NDManager;
import dev.rgal.api.model.FeatureNet;
import dev.rgal.toolkit.zoo.NetFormat;
import java.nio.file.Path;

/** The quantized-model file ({@link QuantizedModelFile}, {@code quantized.rgq}) as a {@link NetFormat}. */
@API(status = EXPERIMENTAL, since = "0.2")
public final class RgqNetFormat implements NetFormat {
  /** The format's name. */
  public static final String NAME = "rgq";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public FeatureNet read(Path file, NDManager manager) {
    return QuantizedModelFile.read(file, null, manager);
  }
}
