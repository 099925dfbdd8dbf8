package dev.rgal.api;

/**
 * Version of this SPI. A plugin reports the version it was compiled against through
 * {@link DfkdPlugin#spiVersion()}; the engine refuses a plugin whose major version differs from
 * {@link #MAJOR}, because its components would be called through interfaces it does not know.
 */
public final class SpiVersion {
  /** Incremented on any incompatible change of a type in {@code dev.rgal.api}. */
  public static final int MAJOR = 3;

  private SpiVersion() {}
}
