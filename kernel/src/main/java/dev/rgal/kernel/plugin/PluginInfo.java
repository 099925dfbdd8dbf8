package dev.rgal.kernel.plugin;

/**
 * A discovered plugin.
 *
 * @param id the plugin's id
 * @param version the plugin's own version
 * @param spiVersion the SPI major version it was built against
 * @param toolkitVersion the toolkit major version it was built against, 0 when it uses none
 * @param source the jar (or class-path folder) it was loaded from
 */
public record PluginInfo(String id, String version, int spiVersion, int toolkitVersion, String source) {}
