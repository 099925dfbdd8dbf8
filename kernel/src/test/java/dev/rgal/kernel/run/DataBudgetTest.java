package dev.rgal.kernel.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rgal.api.DfkdException;
import dev.rgal.api.RunSpec;
import dev.rgal.toolkit.metrics.RunMetrics;
import org.junit.jupiter.api.Test;

/** Budgets become schedules that change the data and never the KD compute. */
class DataBudgetTest {
  // the fmnist-lenet5-fast schedule: 30 epochs of 400 KD steps, one call of 256 per epoch, 3 warm-up calls
  static final RunSpec.Schedule FAST = new RunSpec.Schedule(30, 400, 256, 1, 3);

  @Test
  void budgetsOfTheStudyOnTheFastSchedule() {
    // expected image counts worked out by hand: batch x (warm-up + epochs x calls)
    assertEquals(3993, images("4k"), "below one call per epoch the batch shrinks: 121 x 33");
    assertEquals(8448, images("8k"), "256 x 33, the preset itself");
    assertEquals(16128, images("16k"), "2 calls per epoch: 256 x 63");
    assertEquals(31488, images("32k"), "4 calls per epoch: 256 x 123");
    for (String b : new String[] {"4k", "8k", "16k", "32k"}) {
      RunSpec.Schedule s = DataBudget.parse(b).fit(FAST);
      assertEquals(30, s.epochs(), b);
      assertEquals(400, s.kdStepsPerEpoch(), b + ": KD compute stays");
      assertEquals(3, s.warmupCalls(), b);
    }
  }

  private static int images(String budget) {
    return RunMetrics.dataBudget(DataBudget.parse(budget).fit(FAST));
  }

  @Test
  void writtenForms() {
    assertEquals(16000, DataBudget.parse("16k").images());
    assertEquals(1500, DataBudget.parse("1.5K").images());
    assertEquals(8000, DataBudget.parse("8000").images());
    DfkdException e = assertThrows(DfkdException.class, () -> DataBudget.parse("lots"));
    assertTrue(e.getMessage().contains("'lots'") && e.getMessage().contains("8k"), e.getMessage());
    assertThrows(DfkdException.class, () -> DataBudget.parse("0"));
    assertThrows(DfkdException.class, () -> DataBudget.parse("40").fit(FAST), "under 2 images per call");
  }
}
