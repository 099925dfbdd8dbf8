/** Writing files and directories so that nothing half-written ever looks complete. */
@NullMarked
package dev.rgal.toolkit.io;

import org.jspecify.annotations.NullMarked;
