/**
 * The model zoo: hand-written CIFAR/MNIST classifiers with feature taps (logits, pooled feature,
 * stage outputs and BatchNorm statistics), the 32x32 DFKD generator, PyTorch state-dict naming and
 * weight files.
 *
 * <p>Entry points: {@link dev.rgal.engine.zoo.Zoo} (names and factories), {@link
 * dev.rgal.engine.zoo.ZooNet} (the {@code FeatureNet} every architecture returns), {@link
 * dev.rgal.engine.zoo.Generator} and {@link dev.rgal.engine.zoo.NetWeights}.
 */
@NullMarked
package dev.rgal.engine.zoo;

import org.jspecify.annotations.NullMarked;
