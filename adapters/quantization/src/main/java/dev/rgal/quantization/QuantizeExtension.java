package dev.rgal.quantization;

import dev.rgal.api.ComponentSpec;
import dev.rgal.api.MethodExtension;
import dev.rgal.api.RunSpec;

/**
 * {@code +quantize}: the same method as a quantization run. The task becomes {@code quantize}
 * (keeping any task settings already given) and the trainer fine-tunes with GDFQ's QAT-KD
 * optimiser settings (spec §5): lr {@value #LR} (never the 0.1 of training from scratch, §6.9),
 * momentum 0.9 (plain momentum: DJL's Nesterov throws, §6.10), weight decay 1e-4, T = 20. The data
 * source, its terms and the schedule stay the method's.
 */
final class QuantizeExtension implements MethodExtension {
  /** QAT-KD learning rate; chosen on a held-out slice of the real training split (docs/quantization.md). */
  static final double LR = 1e-4;

  @Override
  public RunSpec extend(RunSpec base) {
    ComponentSpec task = base.task().name().equals(QuantizeTask.NAME) ? base.task() : ComponentSpec.of(QuantizeTask.NAME);
    ComponentSpec trainer = base.trainer().with("lr", LR).with("momentum", 0.9).with("weightDecay", 1e-4)
        .with("temperature", 20.0);
    return base.toBuilder().task(task).trainer(trainer).build();
  }
}
