/** The engine's own plugin: the built-in architectures, shared terms, the kd trainer, the local tracker. */
@NullMarked
package dev.rgal.kernel.core;

import org.jspecify.annotations.NullMarked;
