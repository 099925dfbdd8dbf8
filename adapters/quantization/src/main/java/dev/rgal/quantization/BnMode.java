package dev.rgal.quantization;

/**
 * BatchNorm during fine-tuning (spec §1.5, §6.8). BN is never folded. {@code EVAL_STATISTICS}
 * (the GDFQ family, the default): BN normalises with the FP model's running statistics even in
 * training forwards, and never updates them; γ and β still train. {@code BATCH_STATISTICS}: a
 * training forward uses batch statistics and updates the copy's running statistics.
 */
public enum BnMode { EVAL_STATISTICS, BATCH_STATISTICS }
