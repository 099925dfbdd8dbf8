package dev.rgal.api;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import java.util.List;

/**
 * What the teacher was trained on, as far as synthesis and evaluation need it.
 *
 * @param dataset name, e.g. {@code fashion-mnist}
 * @param channels image channels
 * @param height image height the networks take
 * @param width image width the networks take
 * @param numClasses classes of the teacher's output
 * @param mean per-channel normalisation mean (images are in [0,1] before normalising)
 * @param std per-channel normalisation standard deviation
 */
@API(status = STABLE, since = "0.1")
public record DataSpec(
    String dataset, int channels, int height, int width, int numClasses,
    List<Double> mean, List<Double> std) {
  public DataSpec {
    mean = List.copyOf(mean);
    std = List.copyOf(std);
    if (mean.size() != channels || std.size() != channels) {
      throw new IllegalArgumentException("mean/std need one value per channel");
    }
  }
}
