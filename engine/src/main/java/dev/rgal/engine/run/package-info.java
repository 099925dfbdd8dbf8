/** The distillation run: method resolution, the epoch loop, checkpoints and resume. */
@NullMarked
package dev.rgal.engine.run;

import org.jspecify.annotations.NullMarked;
