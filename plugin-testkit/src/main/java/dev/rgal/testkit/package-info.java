/**
 * The plugin test kit: what a plugin's tests need to run its components for real, without
 * naming the kernel. Depend on it with scope {@code test}.
 *
 * <ul>
 *   <li>{@link dev.rgal.testkit.TinyTeacher}: a small real LeNet-5-BN teacher, trained once per JVM;
 *       {@link dev.rgal.testkit.FashionMnist}: the real test split.
 *   <li>{@link dev.rgal.testkit.Workbench}: a teacher, a zoo student and the contexts a single
 *       synthesizer, term or trainer step is called with.
 *   <li>{@link dev.rgal.testkit.PluginHarness}: the plugin host (class path and plugin
 *       directories), spec resolution, typed options, and short real distillations
 *       ({@link dev.rgal.testkit.DistilledRun}); {@link dev.rgal.testkit.Learning} asserts the
 *       student learnt.
 *   <li>{@link dev.rgal.testkit.TestTrackers}: the embedded and file stores, for tracker tests.
 * </ul>
 */
@NullMarked
package dev.rgal.testkit;

import org.jspecify.annotations.NullMarked;
