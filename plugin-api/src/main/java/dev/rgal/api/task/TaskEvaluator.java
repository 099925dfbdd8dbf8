package dev.rgal.api.task;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.rgal.api.model.FeatureNet;
import org.apiguardian.api.API;

/** Measures nets on the run's real test split (eval mode, no gradient). */
@API(status = EXPERIMENTAL, since = "0.2")
public interface TaskEvaluator {
  /** Whether the run has test data; without it both measures are NaN. */
  boolean available();

  /** Top-1 accuracy of {@code net} in [0, 1], or NaN without test data. */
  double accuracy(FeatureNet net);

  /** Fraction of test images on which {@code a} and {@code b} predict the same class, or NaN. */
  double agreement(FeatureNet a, FeatureNet b);
}
