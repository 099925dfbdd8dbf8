package dev.rgal.api.model;

import ai.djl.ndarray.NDArray;

/**
 * One BatchNorm layer during one forward: its running statistics and the statistics of its
 * <em>input</em> batch (mean over N, H, W and the biased variance), as DeepInversion's
 * BN-statistics loss needs them. The batch statistics stay attached to the autograd graph.
 */
public record BnStatistics(
    String layer, NDArray runningMean, NDArray runningVar, NDArray batchMean, NDArray batchVar) {}
