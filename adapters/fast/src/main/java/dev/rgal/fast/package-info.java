/** Fast (FastDFKD, Fang et al. AAAI 2022): a meta-learned generator adapted with a few inner steps per batch. */
@NullMarked
package dev.rgal.fast;

import org.jspecify.annotations.NullMarked;
