/** Teachers: the on-disk teacher directory and training a teacher on real data. */
@NullMarked
package dev.rgal.engine.teacher;

import org.jspecify.annotations.NullMarked;
