/** Run tracking: where params, metrics, tags and artifacts of a run go. */
@NullMarked
package dev.rgal.api.tracking;

import org.jspecify.annotations.NullMarked;
