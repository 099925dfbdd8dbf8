package dev.rgal.api.model;

import static org.apiguardian.api.API.Status.STABLE;

import ai.djl.ndarray.NDManager;
import java.util.List;
import org.apiguardian.api.API;

/**
 * The architecture registry of the running host: every architecture any plugin binds (the
 * toolkit's zoo and third-party ones), by name. Inject it where a component needs to build a
 * network itself (e.g. to probe a teacher's feature size):
 *
 * <pre>{@code
 * final class MyTermFactory implements SynthesisTermFactory {
 *   private final Architectures architectures;
 *   @Inject MyTermFactory(Architectures architectures) { this.architectures = architectures; }
 *   ...
 * }
 * // in the plugin's module:
 * Bindings.synthesisTerms(binder()).addBinding("my-term").to(MyTermFactory.class);
 * }</pre>
 */
@API(status = STABLE, since = "0.1")
public interface Architectures {
  /** The bound names, sorted. */
  List<String> names();

  /**
   * The factory of one architecture.
   *
   * @throws dev.rgal.api.DfkdException when no plugin binds {@code name} (the message lists the
   *     known names)
   */
  ArchitectureFactory factory(String name);

  /** A freshly initialised network of architecture {@code name}, owned by a child of {@code manager}. */
  default FeatureNet create(String name, NDManager manager, int channels, int height, int width, int numClasses) {
    return factory(name).create(manager, channels, height, width, numClasses);
  }
}
