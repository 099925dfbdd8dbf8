package dev.rgal.toolkit.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rgal.api.RunSpec;
import org.junit.jupiter.api.Test;

class RunMetricsTest {
  @Test
  void theDataBudgetCountsWarmupAndEpochCallsButNotKdSteps() {
    // fmnist-lenet5-fast: 30 epochs, 1 call of 256 per epoch, 3 warm-up calls -> the 8,448
    // images every Fast row of docs/results.md reports
    assertEquals(8448, RunMetrics.dataBudget(new RunSpec.Schedule(30, 400, 256, 1, 3)));
    assertEquals(8448, RunMetrics.dataBudget(new RunSpec.Schedule(30, 10, 256, 1, 3)), "KD steps do not count");
    assertEquals(2 * 64 * 5 + 64, RunMetrics.dataBudget(new RunSpec.Schedule(5, 1, 64, 2, 1)));
  }

  @Test
  void aBudgetBeyondIntIsAnErrorNotAWrappedNumber() {
    assertThrows(ArithmeticException.class,
        () -> RunMetrics.dataBudget(new RunSpec.Schedule(1 << 20, 1, 1 << 12, 1 << 4, 0)));
  }
}
