/** The names of what runs record: metrics, params and summary keys, owned in one place. */
@NullMarked
package dev.rgal.toolkit.metrics;

import org.jspecify.annotations.NullMarked;
