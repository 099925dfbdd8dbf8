package dev.rgal.kernel.plugin;

/**
 * A discovered plugin.
 *
 * @param id the plugin's id
 * @param version the plugin's own version
 * @param spiVersion the SPI major version it was built against
 * @param source the jar (or class-path folder) it was loaded from
 */
public record PluginInfo(String id, String version, int spiVersion, String source) {}
