/**
 * Data-free quantization core (issue 16; spec data-free-quantization.md §1, §2.2, §5, §6): the
 * fake quantizer of ZeroQ/GDFQ ({@link dev.rgal.quantization.FakeQuantizer}), per-output-channel
 * weight quantization, per-tensor activation quantizers after every ReLU with a running min/max or
 * a bias-corrected EMA, identity straight-through gradients, a quantized deep copy of a zoo net
 * ({@link dev.rgal.quantization.QuantizedNet}), PTQ calibration ({@link
 * dev.rgal.quantization.Calibration}), the QAT-KD step ({@link dev.rgal.quantization.QatKdStep})
 * and the deployable quantized-model file ({@link dev.rgal.quantization.QuantizedModelFile}).
 * No CLI, task or preset yet: those build on this package.
 */
@NullMarked
package dev.rgal.quantization;

import org.jspecify.annotations.NullMarked;
