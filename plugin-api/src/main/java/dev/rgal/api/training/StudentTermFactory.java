package dev.rgal.api.training;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import dev.rgal.api.ComponentRequest;
import dev.rgal.api.options.Options;

/**
 * Builds a student term for a run; bound by name with {@link dev.rgal.api.Bindings}. A factory with
 * options binds {@link #declared}{@code (OPTIONS, Impl::new)}; the engine checks the spec's
 * settings against {@link #options()} before the run and passes the values in
 * {@link ComponentRequest#options()}.
 */
@FunctionalInterface
@API(status = STABLE, since = "0.1")
public interface StudentTermFactory {
  StudentTerm create(ComponentRequest request);

  /** The options this component takes; none unless bound with {@link #declared}. */
  default Options options() {
    return Options.none();
  }

  /** {@code factory} with its declared {@code options}. */
  static StudentTermFactory declared(Options options, StudentTermFactory factory) {
    return new StudentTermFactory() {
      @Override
      public StudentTerm create(ComponentRequest request) {
        return factory.create(request);
      }

      @Override
      public Options options() {
        return options;
      }
    };
  }
}
