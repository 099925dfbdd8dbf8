/**
 * CMI (Contrastive Model Inversion, Fang et al. IJCAI 2021): a generator re-initialised per call
 * plus an instance-discrimination loss against a memory bank of earlier synthesised instances.
 */
@NullMarked
package dev.rgal.cmi;

import org.jspecify.annotations.NullMarked;
