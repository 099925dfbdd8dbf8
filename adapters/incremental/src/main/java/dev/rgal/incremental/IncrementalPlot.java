package dev.rgal.incremental;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

import dev.rgal.toolkit.io.AtomicFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Accuracy on the seen classes after each task, one line per method (mean ± std over its runs), as a PNG. */
@API(status = EXPERIMENTAL, since = "0.2")
public final class IncrementalPlot {
  private IncrementalPlot() {}

  /**
   * Writes the PNG atomically.
   *
   * @param curves per line label, its runs' accuracies after tasks 1..T (fractions); runs of one
   *     line must have the same number of tasks
   */
  public static void write(Path png, String title, String yAxis, Map<String, List<double[]>> curves) {
    XYChart chart = new XYChartBuilder().width(900).height(560).title(title).xAxisTitle("after task")
        .yAxisTitle(yAxis).build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSW);
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    chart.getStyler().setDecimalPattern("#");
    curves.forEach((label, runs) -> {
      int tasks = runs.get(0).length;
      double[] x = new double[tasks];
      double[] y = new double[tasks];
      double[] err = new double[tasks];
      for (int t = 0; t < tasks; t++) {
        x[t] = t + 1;
        double sum = 0;
        for (double[] r : runs) {
          sum += r[t];
        }
        double mean = sum / runs.size();
        double ss = 0;
        for (double[] r : runs) {
          ss += (r[t] - mean) * (r[t] - mean);
        }
        y[t] = 100 * mean;
        err[t] = runs.size() > 1 ? 100 * Math.sqrt(ss / (runs.size() - 1)) : 0;
      }
      chart.addSeries(label + " (" + runs.size() + " run" + (runs.size() == 1 ? "" : "s") + ")", x, y, err)
          .setMarker(SeriesMarkers.CIRCLE);
    });
    if (curves.isEmpty()) {
      // XChart refuses an empty chart; a plot without data says so
      chart.addSeries("no finished runs", new double[] {1}, new double[] {0});
    }
    chart.getStyler().setYAxisMin(0.0);
    chart.getStyler().setYAxisMax(100.0);
    AtomicFiles.write(png, AtomicFiles.Existing.REPLACE, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
  }
}
