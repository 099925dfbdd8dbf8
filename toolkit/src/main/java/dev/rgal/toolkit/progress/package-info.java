/** Progress reporting from long engine loops to whatever front end runs them. */
@NullMarked
package dev.rgal.toolkit.progress;

import org.jspecify.annotations.NullMarked;
