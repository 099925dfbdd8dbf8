package dev.rgal.api;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * A distillation method a plugin offers under {@code --method id}.
 *
 * @param id the name users type, e.g. {@code fast}
 * @param description one line shown by {@code rgal plugins}
 * @param defaultPreset the preset used when the user names the method but no preset
 */
@API(status = STABLE, since = "0.1")
public record MethodDefinition(String id, String description, String defaultPreset) {}
