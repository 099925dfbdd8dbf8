package dev.rgal.api;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A named, complete {@link RunSpec} kept as data (JSON), e.g. {@code fmnist-lenet5-fast}. The
 * engine parses the JSON; any field can be overridden from the command line.
 *
 * @param name preset name
 * @param json the RunSpec as JSON (see the presets shipped with the method plugins)
 */
@API(status = STABLE, since = "0.1")
public record MethodPreset(String name, String json) {
  /** Loads a preset from a class-path resource next to {@code anchor}. */
  public static MethodPreset fromResource(String name, Class<?> anchor, String resource) {
    try (InputStream in = anchor.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("preset resource missing: " + resource);
      }
      return new MethodPreset(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
