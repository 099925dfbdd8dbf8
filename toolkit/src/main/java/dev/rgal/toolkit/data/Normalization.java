package dev.rgal.toolkit.data;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import dev.rgal.toolkit.graph.GraphScalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.rgal.api.DataSpec;
import java.util.List;

/** Per-channel {@code (x − mean) / std} on [N, C, H, W] batches (differentiable). */
@API(status = STABLE, since = "0.1")
public final class Normalization {
  private final float[] mean;
  private final float[] std;

  private Normalization(List<Double> mean, List<Double> std) {
    this.mean = new float[mean.size()];
    this.std = new float[std.size()];
    for (int i = 0; i < mean.size(); i++) {
      this.mean[i] = mean.get(i).floatValue();
      this.std[i] = std.get(i).floatValue();
    }
  }

  public static Normalization of(DataSpec spec) {
    return new Normalization(spec.mean(), spec.std());
  }

  public NDArray apply(NDArray x) {
    Shape s = new Shape(1, mean.length, 1, 1);
    // PyTorch-owned: the division saves d for the backward pass (see GraphScalars)
    NDArray m = GraphScalars.owned(x.getManager().create(mean, s));
    NDArray d = GraphScalars.owned(x.getManager().create(std, s));
    return x.sub(m).div(d);
  }

  /** The inverse, back to [0, 1] space. */
  public NDArray invert(NDArray x) {
    Shape s = new Shape(1, mean.length, 1, 1);
    return x.mul(GraphScalars.owned(x.getManager().create(std, s)))
        .add(GraphScalars.owned(x.getManager().create(mean, s)));
  }
}
