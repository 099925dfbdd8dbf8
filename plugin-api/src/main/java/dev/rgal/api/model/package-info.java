/** Feature networks: the model contract every method and RGAL term reads (logits, pooled feature, stages, BN statistics). */
@NullMarked
package dev.rgal.api.model;

import org.jspecify.annotations.NullMarked;
