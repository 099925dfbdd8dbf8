package dev.rgal.kernel.run;

import dev.rgal.toolkit.io.AtomicFiles;
import dev.rgal.api.DfkdException;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** A PNG line chart of student test accuracy per epoch (and the teacher's as a reference line). */
public final class AccuracyPlot {
  private static final int W = 640;
  private static final int H = 400;
  private static final int PAD = 50;

  private AccuracyPlot() {}

  public static void write(Path png, List<EpochReport> history, double teacherAccuracy, String title) {
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, W, H);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.drawString(title, PAD, 20);
    g.drawLine(PAD, H - PAD, W - PAD, H - PAD);
    g.drawLine(PAD, PAD, PAD, H - PAD);
    for (int p = 0; p <= 100; p += 20) {
      int y = yOf(p / 100.0);
      g.setColor(Color.LIGHT_GRAY);
      g.drawLine(PAD, y, W - PAD, y);
      g.setColor(Color.BLACK);
      g.drawString(p + "%", 10, y + 4);
    }
    int n = history.size();
    g.drawString("epoch", W / 2, H - 10);
    if (!Double.isNaN(teacherAccuracy)) {
      g.setColor(new Color(200, 80, 80));
      g.drawLine(PAD, yOf(teacherAccuracy), W - PAD, yOf(teacherAccuracy));
      g.drawString(String.format(Locale.ROOT, "teacher %.1f%%", 100 * teacherAccuracy), W - PAD - 110, yOf(teacherAccuracy) - 4);
    }
    g.setColor(new Color(40, 90, 200));
    g.setStroke(new BasicStroke(2f));
    int px = -1;
    int py = -1;
    for (int i = 0; i < n; i++) {
      double a = history.get(i).accuracy();
      if (Double.isNaN(a)) {
        continue;
      }
      int x = PAD + (n == 1 ? 0 : (int) ((W - 2.0 * PAD) * i / (n - 1)));
      int y = yOf(a);
      if (px >= 0) {
        g.drawLine(px, py, x, y);
      }
      g.fillOval(x - 2, y - 2, 5, 5);
      px = x;
      py = y;
    }
    g.dispose();
    AtomicFiles.writeVia(png, AtomicFiles.Existing.REPLACE, tmp -> ImageIO.write(img, "png", tmp.toFile()));
  }

  private static int yOf(double acc) {
    return (int) (H - PAD - (H - 2.0 * PAD) * Math.max(0, Math.min(1, acc)));
  }
}
