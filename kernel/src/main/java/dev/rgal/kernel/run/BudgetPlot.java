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
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    chart.getStyler().setDecimalPattern("#,###");
    byConfiguration.forEach((cfg, list) -> {
      List<ResultsTable.Row> sorted = new ArrayList<>(list);
      sorted.sort(java.util.Comparator.comparingDouble(ResultsTable.Row::images));
      double[] x = sorted.stream().mapToDouble(ResultsTable.Row::images).toArray();
      double[] y = sorted.stream().mapToDouble(r -> 100 * r.lastMean()).toArray();
      double[] err = sorted.stream().mapToDouble(r -> 100 * r.lastStd()).toArray();
      chart.addSeries(cfg, x, y, err).setMarker(SeriesMarkers.CIRCLE);
    });
    if (byConfiguration.isEmpty()) {
      // XChart refuses an empty chart; a plot without data says so instead of failing the grid
      chart.addSeries("no finished runs", new double[] {1}, new double[] {0});
    }
    AtomicFiles.write(png, AtomicFiles.Existing.REPLACE,
        out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
    return byConfiguration.size();
  }
}
