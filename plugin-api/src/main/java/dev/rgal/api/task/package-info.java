/**
 * Transfer tasks: what a run turns the teacher's knowledge into. Distillation trains a fresh
 * student, quantization a low-bit copy of the teacher, class-incremental learning the previous
 * model grown by new classes; all three run over the same synthesizers, terms, pool, trainers and
 * tracking. A plugin binds a task by name in {@code Bindings.tasks}; a spec names it in
 * {@code RunSpec.task()}.
 */
@NullMarked
package dev.rgal.api.task;

import org.jspecify.annotations.NullMarked;
