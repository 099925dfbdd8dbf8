package dev.rgal.planted;

import java.util.List;

/** Planted violation (ArchitectureTest): a "plugin" class that uses an INTERNAL toolkit type. */
public final class UsesAnInternalToolkitType {
  public static Object closest() {
    return dev.rgal.toolkit.spec.Suggestions.closest("gStep", List.of("gSteps"));
  }
}
