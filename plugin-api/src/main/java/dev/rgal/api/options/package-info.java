/**
 * Declared, typed component options: a factory declares its {@link dev.rgal.api.options.Option}s
 * once ({@link dev.rgal.api.options.Options}); the engine validates a spec's settings against them
 * before a run starts and hands the component only validated, typed
 * {@link dev.rgal.api.options.OptionValues}.
 */
@NullMarked
package dev.rgal.api.options;

import org.jspecify.annotations.NullMarked;
