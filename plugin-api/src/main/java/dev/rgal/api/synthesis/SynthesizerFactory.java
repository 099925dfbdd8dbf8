package dev.rgal.api.synthesis;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import dev.rgal.api.ComponentRequest;
import dev.rgal.api.options.Options;

/**
 * Builds a synthesizer for a run; bound by name with {@link dev.rgal.api.Bindings}. A factory with
 * options binds {@link #declared}{@code (OPTIONS, Impl::new)}; the engine checks the spec's
 * settings against {@link #options()} before the run and passes the values in
 * {@link ComponentRequest#options()}.
 */
@FunctionalInterface
@API(status = STABLE, since = "0.1")
public interface SynthesizerFactory {
  Synthesizer create(ComponentRequest request);

  /** The options this component takes; none unless bound with {@link #declared}. */
  default Options options() {
    return Options.none();
  }

  /** {@code factory} with its declared {@code options}. */
  static SynthesizerFactory declared(Options options, SynthesizerFactory factory) {
    return new SynthesizerFactory() {
      @Override
      public Synthesizer create(ComponentRequest request) {
        return factory.create(request);
      }

      @Override
      public Options options() {
        return options;
      }
    };
  }
}
