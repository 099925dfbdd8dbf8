package dev.rgal.kernel.run;

import dev.rgal.toolkit.io.AtomicFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Accuracy against data budget: one line per configuration, the last-epoch accuracy (mean over
 * seeds, ± one standard deviation as error bars) at each number of images synthesised, on a log
 * axis. Drawn with XChart from {@link ResultsTable} rows, so the plot shows exactly the table.
 */
public final class BudgetPlot {
  private BudgetPlot() {}

  /**
   * Writes the PNG atomically.
   *
   * @return the number of lines drawn (configurations with at least one budget)
   */
  public static int write(Path png, List<ResultsTable.Row> rows, String title) {
    Map<String, List<ResultsTable.Row>> byConfiguration = new LinkedHashMap<>();
    for (ResultsTable.Row r : rows) {
      if (!Double.isNaN(r.images()) && !Double.isNaN(r.lastMean())) {
        byConfiguration.computeIfAbsent(r.configuration(), k -> new ArrayList<>()).add(r);
      }
    }
    XYChart chart = new XYChartBuilder().width(900).height(560).title(title)
        .xAxisTitle("images synthesised (log scale)").yAxisTitle("last-epoch student accuracy, % (mean ± std over seeds)")
        .build();
    // XChart's logarithmic axis labels powers of ten only, so a 4k-32k sweep would get no label:
    // plot log2(images) on a linear axis and label each tick with the image count it stands for
    chart.getStyler().setXAxisMaxLabelCount(8);
    chart.setCustomXAxisTickLabelsFormatter(BudgetPlot::imagesLabel);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    chart.getStyler().setDecimalPattern("#,###");
    byConfiguration.forEach((cfg, list) -> {
      List<ResultsTable.Row> sorted = new ArrayList<>(list);
      sorted.sort(java.util.Comparator.comparingDouble(ResultsTable.Row::images));
      double[] x = sorted.stream().mapToDouble(r -> log2(r.images())).toArray();
      double[] y = sorted.stream().mapToDouble(r -> 100 * r.lastMean()).toArray();
      double[] err = sorted.stream().mapToDouble(r -> 100 * r.lastStd()).toArray();
      chart.addSeries(cfg, x, y, err).setMarker(SeriesMarkers.CIRCLE);
    });
    if (byConfiguration.isEmpty()) {
      // XChart refuses an empty chart; a plot without data says so instead of failing the grid
      chart.addSeries("no finished runs", new double[] {1}, new double[] {0});
    }
    double lo = byConfiguration.values().stream().flatMap(List::stream).mapToDouble(r -> log2(r.images())).min().orElse(0);
    double hi = byConfiguration.values().stream().flatMap(List::stream).mapToDouble(r -> log2(r.images())).max().orElse(1);
    chart.getStyler().setXAxisMin(Math.floor(lo * 2) / 2 - 0.25);
    chart.getStyler().setXAxisMax(Math.ceil(hi * 2) / 2 + 0.25);
    AtomicFiles.write(png, AtomicFiles.Existing.REPLACE,
        out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
    return byConfiguration.size();
  }

  static double log2(double images) {
    return Math.log(images) / Math.log(2);
  }

  /** The image count at log2 position {@code x}: 3,993 → "4.0k", 31,488 → "31k". */
  static String imagesLabel(double x) {
    double images = Math.pow(2, x);
    if (images < 1000) {
      return String.format(java.util.Locale.ROOT, "%.0f", images);
    }
    double k = images / 1000;
    return String.format(java.util.Locale.ROOT, k < 10 ? "%.1fk" : "%.0fk", k);
  }
}
