package dev.rgal.kernel.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BudgetPlotTest {
  @TempDir Path tmp;

  static ResultsTable.Row row(String cfg, double images, double last) {
    return new ResultsTable.Row(cfg, 3, last, 0.01, last, 0.01, 1, 1, images, 900, List.of("0", "1", "2"), List.of("x"));
  }

  @Test
  void onePngLinePerConfigurationReadableByImageIo() throws Exception {
    Path png = tmp.resolve("budget.png");
    int lines = BudgetPlot.write(png, List.of(row("fast", 3993, 0.70), row("fast", 16128, 0.79),
        row("fast+rgal", 3993, 0.72), row("fast+rgal", 16128, 0.78)), "test");
    assertEquals(2, lines);
    BufferedImage img = ImageIO.read(png.toFile());
    assertNotNull(img, "a PNG");
    assertEquals(900, img.getWidth());
    assertEquals(560, img.getHeight());
  }

  @Test
  void ticksOnTheLogAxisAreLabelledWithImageCounts() {
    // XChart's own log axis labels powers of ten only: a 4k-32k sweep needs labels of its own
    assertEquals("4.0k", BudgetPlot.imagesLabel(BudgetPlot.log2(3993)));
    assertEquals("8.4k", BudgetPlot.imagesLabel(BudgetPlot.log2(8448)));
    assertEquals("31k", BudgetPlot.imagesLabel(BudgetPlot.log2(31488)));
    assertEquals("512", BudgetPlot.imagesLabel(9));
    assertEquals(13.0, BudgetPlot.log2(8192), 1e-12);
  }
}
