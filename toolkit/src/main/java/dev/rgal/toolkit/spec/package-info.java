/** RunSpec as JSON: presets, command-line overrides, flattening into tracking params. */
@NullMarked
package dev.rgal.toolkit.spec;

import org.jspecify.annotations.NullMarked;
