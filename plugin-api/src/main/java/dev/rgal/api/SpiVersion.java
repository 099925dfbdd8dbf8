package dev.rgal.api;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * Version of this SPI. A plugin reports the version it was compiled against through
 * {@link DfkdPlugin#spiVersion()}; the engine refuses a plugin whose major version differs from
 * {@link #MAJOR}, because its components would be called through interfaces it does not know.
 */
@API(status = STABLE, since = "0.1")
public final class SpiVersion {
  /** Incremented on any incompatible change of a type in {@code dev.rgal.api}. */
  public static final int MAJOR = 4;

  private SpiVersion() {}
}
