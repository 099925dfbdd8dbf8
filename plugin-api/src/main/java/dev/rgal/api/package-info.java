/** The rgal SPI: plugins, run specifications, presets and method extensions. */
@NullMarked
package dev.rgal.api;

import org.jspecify.annotations.NullMarked;
