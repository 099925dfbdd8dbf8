package dev.rgal.toolkit;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * Version of the toolkit's published surface: its {@code STABLE} and {@code MAINTAINED} types (see
 * each type's {@link API @API}). A plugin that uses the toolkit reports the major version it was
 * compiled against through {@link dev.rgal.api.DfkdPlugin#toolkitVersion()}, written as
 * {@code return ToolkitVersion.MAJOR;}: the constant is inlined into the plugin's class when it is
 * compiled, so it keeps the version the plugin was built against. The kernel refuses a plugin whose
 * major differs from the host's.
 *
 * <p>{@code EXPERIMENTAL} types may change in any release; {@code INTERNAL} types are not for
 * plugins at all (the architecture test fails a plugin class that uses one).
 */
@API(status = STABLE, since = "0.1")
public final class ToolkitVersion {
  /** Incremented on any incompatible change of a STABLE or MAINTAINED toolkit type. */
  public static final int MAJOR = 1;

  private ToolkitVersion() {}
}
