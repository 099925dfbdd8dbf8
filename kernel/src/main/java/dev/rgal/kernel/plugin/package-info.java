/** Plugin discovery: ServiceLoader over the class path and plugin jars, validation, Guice bootstrap. */
@NullMarked
package dev.rgal.kernel.plugin;

import org.jspecify.annotations.NullMarked;
