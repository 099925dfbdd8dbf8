package dev.rgal.engine.tracking;

import dev.rgal.api.Bindings.Registry;
import dev.rgal.api.DfkdException;
import dev.rgal.api.tracking.RunTracker;
import dev.rgal.api.tracking.RunTrackerFactory;
import dev.rgal.api.tracking.TrackerConfig;
import dev.rgal.engine.plugin.PluginHost;
import java.nio.file.Path;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Chooses the tracker for a run: every bound {@link RunTrackerFactory} is asked in name order,
 * the engine's {@code local} store last; the first that handles the configuration wins. With no
 * tracking URI that is the embedded store in MLflow's file layout.
 */
public final class Trackers {
  /** Where runs go when the user names no tracking URI. */
  public static final Path DEFAULT_LOCAL_STORE = Path.of("mlruns");

  private Trackers() {}

  /**
   * @param uri explicit tracking URI, else the {@code MLFLOW_TRACKING_URI} environment variable,
   *     else the local store
   */
  public static RunTracker open(PluginHost host, @Nullable String uri, Path localStore, boolean required) {
    String effective = uri != null ? uri : System.getenv("MLFLOW_TRACKING_URI");
    if (effective != null && effective.isBlank()) {
      effective = null;
    }
    TrackerConfig config = new TrackerConfig(effective, localStore, required);
    Map<String, RunTrackerFactory> factories = host.registry(Registry.TRACKERS, RunTrackerFactory.class);
    for (Map.Entry<String, RunTrackerFactory> e : factories.entrySet()) {
      if (!e.getKey().equals("local")) {
        RunTracker t = e.getValue().create(config);
        if (t != null) {
          return t;
        }
      }
    }
    RunTrackerFactory local = factories.get("local");
    RunTracker t = local == null ? null : local.create(config);
    if (t == null) {
      throw new DfkdException("no tracker plugin handles the tracking URI '" + effective
          + "': add the mlflow plugin jar, or use an http(s):// or file: URI");
    }
    return t;
  }
}
