/**
 * DeepInversion with Adaptive DeepInversion's competition term (Yin et al., CVPR 2020), as the
 * zju-vipa benchmark runs it: the pixels of each batch are optimised directly.
 */
@NullMarked
package dev.rgal.deepinversion;

import org.jspecify.annotations.NullMarked;
