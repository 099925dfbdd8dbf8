package dev.rgal.engine.zoo;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the shared spec folder: {@code -Drgal.shared.dir}, else walking up from the working dir. */
final class SpecFiles {
  private SpecFiles() {}

  static Path spec(String file) {
    String prop = System.getProperty("rgal.shared.dir");
    if (prop != null && !prop.isBlank()) {
      Path dir = Path.of(prop);
      for (Path c : new Path[] {dir.resolve("spec"), dir.resolve("shared").resolve("spec")}) {
        if (Files.isRegularFile(c.resolve(file))) {
          return c.resolve(file);
        }
      }
      fail("-Drgal.shared.dir=" + prop + " has no spec/" + file);
    }
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path c = d.resolve("shared").resolve("spec").resolve(file);
      if (Files.isRegularFile(c)) {
        return c;
      }
    }
    return fail("cannot find shared/spec/" + file + " above " + Path.of("").toAbsolutePath()
        + ": set -Drgal.shared.dir=<folder containing spec/>");
  }
}
