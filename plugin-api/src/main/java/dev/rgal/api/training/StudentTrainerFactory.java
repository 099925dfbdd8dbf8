package dev.rgal.api.training;

import dev.rgal.api.ComponentRequest;
import dev.rgal.api.WeightedTerm;
import dev.rgal.api.model.FeatureNet;
import java.util.List;

/** Builds a student trainer; bound by name with {@link dev.rgal.api.Bindings}. */
@FunctionalInterface
public interface StudentTrainerFactory {
  /**
   * @param student the network to train (its parameters go into the optimiser)
   * @param terms the run's student terms (their trainable blocks too)
   */
  StudentTrainer create(ComponentRequest request, FeatureNet student,
      List<WeightedTerm<StudentTerm>> terms);
}
