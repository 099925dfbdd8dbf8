package dev.rgal.api;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import com.google.inject.Binder;
import com.google.inject.multibindings.MapBinder;
import dev.rgal.api.model.ArchitectureFactory;
import dev.rgal.api.synthesis.SynthesisTermFactory;
import dev.rgal.api.synthesis.SynthesizerFactory;
import dev.rgal.api.training.StudentTermFactory;
import dev.rgal.api.training.StudentTrainerFactory;
import dev.rgal.api.tracking.RunTrackerFactory;
import dev.rgal.api.task.TransferTaskFactory;

/**
 * The named registries a plugin's module adds to. Each registry is a Guice {@link MapBinder} from
 * a component name to a factory; names are global, so a name bound by two plugins is a start-up
 * error that names both jars.
 *
 * <pre>{@code
 * protected void configure() {
 *   Bindings.synthesizers(binder()).addBinding("noise").toInstance(NoiseSynthesizer::new);
 * }
 * }</pre>
 */
@API(status = STABLE, since = "0.1")
public final class Bindings {
  private Bindings() {}

  /** The registries, with the word {@code rgal plugins} prints for each. */
  public enum Registry {
    ARCHITECTURES("architecture", ArchitectureFactory.class),
    SYNTHESIZERS("synthesizer", SynthesizerFactory.class),
    SYNTHESIS_TERMS("synthesis term", SynthesisTermFactory.class),
    STUDENT_TRAINERS("student trainer", StudentTrainerFactory.class),
    STUDENT_TERMS("student term", StudentTermFactory.class),
    TRACKERS("tracker", RunTrackerFactory.class),
    METHODS("method", MethodDefinition.class),
    PRESETS("preset", MethodPreset.class),
    EXTENSIONS("extension", MethodExtension.class),
    OBSERVERS("run observer", RunObserver.class),
    TASKS("transfer task", TransferTaskFactory.class);

    private final String label;
    private final Class<?> type;

    Registry(String label, Class<?> type) {
      this.label = label;
      this.type = type;
    }

    public String label() {
      return label;
    }

    public Class<?> type() {
      return type;
    }
  }

  public static MapBinder<String, ArchitectureFactory> architectures(Binder b) {
    return MapBinder.newMapBinder(b, String.class, ArchitectureFactory.class);
  }

  public static MapBinder<String, SynthesizerFactory> synthesizers(Binder b) {
    return MapBinder.newMapBinder(b, String.class, SynthesizerFactory.class);
  }

  public static MapBinder<String, SynthesisTermFactory> synthesisTerms(Binder b) {
    return MapBinder.newMapBinder(b, String.class, SynthesisTermFactory.class);
  }

  public static MapBinder<String, StudentTrainerFactory> studentTrainers(Binder b) {
    return MapBinder.newMapBinder(b, String.class, StudentTrainerFactory.class);
  }

  public static MapBinder<String, StudentTermFactory> studentTerms(Binder b) {
    return MapBinder.newMapBinder(b, String.class, StudentTermFactory.class);
  }

  public static MapBinder<String, RunTrackerFactory> trackers(Binder b) {
    return MapBinder.newMapBinder(b, String.class, RunTrackerFactory.class);
  }

  public static MapBinder<String, MethodDefinition> methods(Binder b) {
    return MapBinder.newMapBinder(b, String.class, MethodDefinition.class);
  }

  public static MapBinder<String, MethodPreset> presets(Binder b) {
    return MapBinder.newMapBinder(b, String.class, MethodPreset.class);
  }

  public static MapBinder<String, MethodExtension> extensions(Binder b) {
    return MapBinder.newMapBinder(b, String.class, MethodExtension.class);
  }

  /** Observers called at the end of every successful distillation run (see {@link RunObserver}). */
  public static MapBinder<String, RunObserver> observers(Binder b) {
    return MapBinder.newMapBinder(b, String.class, RunObserver.class);
  }

  /** Transfer tasks (distillation, quantization, ...), named by {@code RunSpec.task()}. */
  public static MapBinder<String, TransferTaskFactory> tasks(Binder b) {
    return MapBinder.newMapBinder(b, String.class, TransferTaskFactory.class);
  }
}
