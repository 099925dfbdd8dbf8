package dev.rgal.api.training;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import dev.rgal.api.ComponentRequest;
import dev.rgal.api.TermSpec;
import dev.rgal.api.WeightedTerm;
import dev.rgal.api.model.FeatureNet;
import dev.rgal.api.options.Options;
import java.util.List;

/**
 * Builds a student trainer; bound by name with {@link dev.rgal.api.Bindings}. A trainer with
 * options binds {@link #declared}{@code (OPTIONS, Impl::new)}.
 */
@FunctionalInterface
@API(status = STABLE, since = "0.1")
public interface StudentTrainerFactory {
  /**
   * @param student the network to train (its parameters go into the optimiser)
   * @param terms the run's student terms (their trainable blocks too)
   */
  StudentTrainer create(ComponentRequest request, FeatureNet student,
      List<WeightedTerm<StudentTerm>> terms);

  /** The options this trainer takes; none unless bound with {@link #declared}. */
  default Options options() {
    return Options.none();
  }

  /**
   * Student terms this trainer runs with when the spec names none of them. Resolution adds them
   * to the spec (so {@code spec.json} and the logged params show what runs); a spec that names any
   * of them, even at weight 0, keeps its own choice.
   */
  default List<TermSpec> defaultTerms() {
    return List.of();
  }

  /** {@code factory} with its declared {@code options}. */
  static StudentTrainerFactory declared(Options options, StudentTrainerFactory factory) {
    return declared(options, List.of(), factory);
  }

  /** {@code factory} with its declared {@code options} and {@link #defaultTerms()}. */
  static StudentTrainerFactory declared(Options options, List<TermSpec> defaultTerms, StudentTrainerFactory factory) {
    List<TermSpec> terms = List.copyOf(defaultTerms);
    return new StudentTrainerFactory() {
      @Override
      public StudentTrainer create(ComponentRequest request, FeatureNet student, List<WeightedTerm<StudentTerm>> t) {
        return factory.create(request, student, t);
      }

      @Override
      public Options options() {
        return options;
      }

      @Override
      public List<TermSpec> defaultTerms() {
        return terms;
      }
    };
  }
}
