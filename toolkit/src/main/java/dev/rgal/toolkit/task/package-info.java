/** The toolkit's transfer task: distillation into a fresh student. */
@NullMarked
package dev.rgal.toolkit.task;

import org.jspecify.annotations.NullMarked;
