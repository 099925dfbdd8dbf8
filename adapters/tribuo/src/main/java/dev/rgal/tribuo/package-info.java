/**
 * Tribuo interop: rgal teachers and students as Tribuo {@code Model<Label>}s
 * ({@link dev.rgal.tribuo.DfkdTribuoModel}), a Tribuo {@code Trainer<Label>} for teachers
 * ({@link dev.rgal.tribuo.DfkdTeacherTrainer}), {@code LabelEvaluator} figures for any
 * {@code FeatureNet} ({@link dev.rgal.tribuo.TribuoEvaluation}), and a run observer that logs them
 * at the end of every distillation ({@link dev.rgal.tribuo.TribuoPlugin}).
 *
 * <p>Features are pixel intensities named with zero-padded row-major CHW indices ({@code px0000},
 * {@code px0001}, ...), so Tribuo's feature ids (assigned by sorting names) equal pixel positions.
 * Tribuo deserialises with {@code Class.forName}: keep this jar on the same class path as Tribuo.
 */
@NullMarked
package dev.rgal.tribuo;

import org.jspecify.annotations.NullMarked;
