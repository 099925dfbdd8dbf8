package dev.rgal.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.inject.Guice;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import dev.rgal.api.DfkdPlugin;
import dev.rgal.api.SpiVersion;
import dev.rgal.api.tracking.RunTrackerFactory;
import dev.rgal.api.tracking.TrackerConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MlflowPluginTest {
  @TempDir Path tmp;

  @Test
  void serviceLoaderFindsThePluginAndItBindsTheTracker() {
    List<DfkdPlugin> plugins = ServiceLoader.load(DfkdPlugin.class).stream()
        .map(ServiceLoader.Provider::get).filter(p -> p.id().equals("mlflow")).toList();
    assertEquals(1, plugins.size());
    assertEquals(SpiVersion.MAJOR, plugins.get(0).spiVersion());
    Map<String, RunTrackerFactory> trackers = Guice.createInjector(plugins.get(0).module())
        .getInstance(Key.get(new TypeLiteral<Map<String, RunTrackerFactory>>() {}));
    assertEquals(List.of("mlflow"), List.copyOf(trackers.keySet()));
    RunTrackerFactory f = assertInstanceOf(MlflowTrackerFactory.class, trackers.get("mlflow"));
    assertNull(f.create(new TrackerConfig(null, tmp, false)), "no URI: embedded store's job");
  }
}
