package dev.rgal.mlflow;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import dev.rgal.api.DfkdPlugin;
import dev.rgal.api.tracking.RunStart;
import dev.rgal.api.tracking.RunStatus;
import dev.rgal.api.tracking.RunTracker;
import dev.rgal.api.tracking.RunTrackerFactory;
import dev.rgal.api.tracking.TrackedRun;
import dev.rgal.api.tracking.TrackerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Child JVM of {@link CredentialsTest}: finds the plugin as the engine does (ServiceLoader, then
 * Guice), tracks one run with credentials in its environment, prints {@code RUN <id>}.
 * Arguments: tracking URI, experiment, local store.
 */
public final class CredentialChildMain {
  private CredentialChildMain() {}

  public static void main(String[] args) throws Exception {
    DfkdPlugin plugin = ServiceLoader.load(DfkdPlugin.class).stream()
        .map(ServiceLoader.Provider::get).filter(p -> p.id().equals("mlflow")).findFirst()
        .orElseThrow();
    Injector injector = Guice.createInjector(plugin.module());
    Map<String, RunTrackerFactory> factories = injector.getInstance(
        Key.get(new TypeLiteral<Map<String, RunTrackerFactory>>() {}));
    RunTracker tracker = factories.get("mlflow")
        .create(new TrackerConfig(args[0], Paths.get(args[2]), true));
    Path art = Files.createTempFile("provenance", ".json");
    Files.writeString(art, "{\"env\":\"" + System.getenv().keySet().size() + " variables\"}");
    try (TrackedRun run = tracker.start(new RunStart(args[1], "child", Map.of("who", "child")))) {
      run.logParams(Map.of("lr", "0.1"));
      run.logMetrics(0, Map.of("loss", 1.0));
      run.setTags(Map.of("stage", "child"));
      run.logArtifact(art, "meta");
      run.finish(RunStatus.FINISHED);
      System.out.println("RUN " + run.runId());
    }
  }
}
