package dev.rgal.testkit;

/**
 * One plugin the harness's host loaded.
 *
 * @param id the plugin's {@code id()}
 * @param version its version (its jar manifest's, or {@code dev} without one)
 * @param spiVersion the SPI major it was built for
 * @param source where its classes came from: the jar or class directory
 */
public record PluginRef(String id, String version, int spiVersion, String source) {}
