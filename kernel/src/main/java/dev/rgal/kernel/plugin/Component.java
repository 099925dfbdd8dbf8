package dev.rgal.kernel.plugin;

import dev.rgal.api.Bindings.Registry;

/**
 * A named component and the plugin that contributed it.
 *
 * @param registry which registry it is in
 * @param name the name users type
 * @param pluginId the contributing plugin
 */
public record Component(Registry registry, String name, String pluginId) {}
