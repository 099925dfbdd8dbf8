/** Progress reporting from long engine loops to whatever front end runs them. */
@NullMarked
package dev.rgal.engine.progress;

import org.jspecify.annotations.NullMarked;
