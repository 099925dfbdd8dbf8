package dev.rgal.quantization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rgal.api.DfkdException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BitWidthsTest {
  @Test
  void parsesTheWidthGrid() {
    assertEquals(new BitWidths(4, 4), BitWidths.parse("w4a4"));
    assertEquals(new BitWidths(8, 32), BitWidths.parse("w8a32"));
    assertEquals(new BitWidths(32, 2), BitWidths.parse("w32a2"));
    assertEquals("w3a5", BitWidths.parse("w3a5").toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"w1a4", "w4a9", "w16a16", "w0a8", "w4a33", "W4A4", "w4", "4a4", "w4a4 ", "w-4a4", "w004a4", ""})
  void refusesMalformedOrOutOfRangeWidthsInOneLine(String text) {
    DfkdException e = assertThrows(DfkdException.class, () -> BitWidths.parse(text));
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    assertTrue(e.getMessage().contains("w4a4") || e.getMessage().contains("2 to 8"), e.getMessage());
  }

  @Test
  void policiesAndEstimatorsByName() {
    assertEquals(LayerPolicy.ALL_K, LayerPolicy.parse("all-k"));
    assertEquals(LayerPolicy.ENDS_8, LayerPolicy.parse("ends-8"));
    assertEquals(8, LayerPolicy.ENDS_8.endBits(3));
    assertEquals(32, LayerPolicy.ENDS_8.endBits(32));
    assertEquals(3, LayerPolicy.ALL_K.endBits(3));
    assertEquals(RangeEstimator.EMA, RangeEstimator.parse("ema"));
    assertEquals(RangeEstimator.MIN_MAX, RangeEstimator.parse("min-max"));
    assertThrows(DfkdException.class, () -> LayerPolicy.parse("ends-4"));
    assertThrows(DfkdException.class, () -> RangeEstimator.parse("percentile"));
  }
}
