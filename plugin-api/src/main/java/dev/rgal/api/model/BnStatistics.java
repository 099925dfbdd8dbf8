package dev.rgal.api.model;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import ai.djl.ndarray.NDArray;

/**
 * One BatchNorm layer during one forward: its running statistics and the statistics of its
 * <em>input</em> batch (mean over N, H, W and the biased variance), as DeepInversion's
 * BN-statistics loss needs them, plus the per-sample channel means of the input (CMI's instance
 * features). The batch and instance statistics stay attached to the autograd graph.
 *
 * @param layer the layer's name
 * @param runningMean [C] running mean
 * @param runningVar [C] running variance
 * @param batchMean [C] mean of the input over N, H, W
 * @param batchVar [C] biased variance of the input over N, H, W
 * @param instanceMean [N, C] mean of each sample's input over H, W
 * @param input the layer's input itself ([N, C] or [N, C, H, W]), for losses on other statistics
 *     (ZeroQ's per-sample standard deviations)
 */
@API(status = STABLE, since = "0.1")
public record BnStatistics(
    String layer, NDArray runningMean, NDArray runningVar, NDArray batchMean, NDArray batchVar,
    NDArray instanceMean, NDArray input) {}
