/** The distillation run: method resolution, the epoch loop, checkpoints and resume. */
@NullMarked
package dev.rgal.kernel.run;

import org.jspecify.annotations.NullMarked;
