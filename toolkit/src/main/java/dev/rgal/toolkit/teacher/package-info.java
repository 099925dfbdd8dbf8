/** Teachers: the on-disk teacher directory and training a teacher on real data. */
@NullMarked
package dev.rgal.toolkit.teacher;

import org.jspecify.annotations.NullMarked;
