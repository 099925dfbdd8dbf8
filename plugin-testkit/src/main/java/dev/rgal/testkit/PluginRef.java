package dev.rgal.testkit;

/**
 * One plugin the harness's host loaded.
 *
 * @param id the plugin's {@code id()}
 * @param version its version ({@code dev} for classes outside a jar with a manifest version)
 * @param spiVersion the SPI major it was built for
 * @param source where it came from: {@code class path} or the jar's path
 */
public record PluginRef(String id, String version, int spiVersion, String source) {}
