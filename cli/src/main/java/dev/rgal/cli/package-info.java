/** The {@code rgal} command line. */
@NullMarked
package dev.rgal.cli;

import org.jspecify.annotations.NullMarked;
