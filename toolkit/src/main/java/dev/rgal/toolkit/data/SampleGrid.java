package dev.rgal.toolkit.data;

import dev.rgal.toolkit.io.AtomicFiles;
import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

import ai.djl.ndarray.NDArray;
import dev.rgal.api.DfkdException;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/** A labelled PNG grid of synthetic images: one row per class, a few images per row. */
@API(status = EXPERIMENTAL, since = "0.1")
public final class SampleGrid {
  private static final int SCALE = 2;
  private static final int LABEL = 28;

  private SampleGrid() {}

  /**
   * @param images [N, C, H, W] in [0, 1]
   * @param labels the class each image was synthesised for
   * @param perClass images per row
   */
  public static void write(Path png, NDArray images, int[] labels, int perClass) {
    long[] shape = images.getShape().getShape();
    int c = (int) shape[1];
    int h = (int) shape[2];
    int w = (int) shape[3];
    int classes = 0;
    for (int l : labels) {
      classes = Math.max(classes, l + 1);
    }
    List<List<Integer>> rows = new ArrayList<>();
    for (int k = 0; k < classes; k++) {
      rows.add(new ArrayList<>());
    }
    for (int i = 0; i < labels.length; i++) {
      if (rows.get(labels[i]).size() < perClass) {
        rows.get(labels[i]).add(i);
      }
    }
    byte[] px;
    try (NDArray q = InMemoryDataPool.quantize(images.stopGradient())) {
      px = q.toByteArray();
    }
    int cell = SCALE * Math.max(h, w) + 2;
    BufferedImage img = new BufferedImage(LABEL + perClass * cell, Math.max(1, classes) * cell, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    int per = c * h * w;
    for (int k = 0; k < classes; k++) {
      g.drawString(String.valueOf(k), 4, k * cell + cell / 2 + 4);
      List<Integer> row = rows.get(k);
      for (int j = 0; j < row.size(); j++) {
        int base = row.get(j) * per;
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            int r = px[base + y * w + x] & 0xff;
            int gg = c == 3 ? px[base + h * w + y * w + x] & 0xff : r;
            int b = c == 3 ? px[base + 2 * h * w + y * w + x] & 0xff : r;
            int rgb = (r << 16) | (gg << 8) | b;
            for (int dy = 0; dy < SCALE; dy++) {
              for (int dx = 0; dx < SCALE; dx++) {
                img.setRGB(LABEL + j * cell + x * SCALE + dx, k * cell + y * SCALE + dy, rgb);
              }
            }
          }
        }
      }
    }
    g.dispose();
    AtomicFiles.writeVia(png, AtomicFiles.Existing.REPLACE, tmp -> ImageIO.write(img, "png", tmp.toFile()));
  }
}
