package dev.rgal.mlflow;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import dev.rgal.api.Bindings;
import dev.rgal.api.DfkdPlugin;

/** Adds the tracker {@code mlflow} ({@link MlflowTrackerFactory#fromEnvironment()}). */
public final class MlflowPlugin implements DfkdPlugin {
  /** The name under which the tracker factory is bound. */
  public static final String TRACKER_NAME = "mlflow";

  @Override
  public String id() {
    return "mlflow";
  }

  @Override
  public Module module() {
    return new AbstractModule() {
      @Override
      protected void configure() {
        Bindings.trackers(binder()).addBinding(TRACKER_NAME)
            .toInstance(MlflowTrackerFactory.fromEnvironment());
      }
    };
  }
}
