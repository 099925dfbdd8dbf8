package dev.rgal.kernel.run;

import dev.rgal.toolkit.io.AtomicFiles;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * {@code accuracy.png}: student test accuracy per epoch, with the teacher's as a reference line
 * (XChart).
 */
public final class AccuracyPlot {
  private AccuracyPlot() {}

  public static void write(Path png, List<EpochReport> history, double teacherAccuracy, String title) {
    XYChart chart = new XYChartBuilder().width(640).height(400).title(title)
        .xAxisTitle("epoch").yAxisTitle("test accuracy, %").build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    chart.getStyler().setYAxisMin(0.0);
    chart.getStyler().setYAxisMax(100.0);
    double[] epochs = history.stream().filter(r -> !Double.isNaN(r.accuracy())).mapToDouble(r -> r.epoch() + 1).toArray();
    double[] acc = history.stream().filter(r -> !Double.isNaN(r.accuracy())).mapToDouble(r -> 100 * r.accuracy()).toArray();
    if (epochs.length > 0) {
      chart.addSeries("student", epochs, acc).setMarker(SeriesMarkers.CIRCLE);
      if (!Double.isNaN(teacherAccuracy)) {
        chart.addSeries("teacher", new double[] {epochs[0], epochs[epochs.length - 1]},
            new double[] {100 * teacherAccuracy, 100 * teacherAccuracy}).setMarker(SeriesMarkers.NONE);
      }
    } else {
      // a run without test data has no accuracy; XChart refuses an empty chart
      chart.addSeries("no test data", new double[] {0}, new double[] {0}).setMarker(SeriesMarkers.NONE);
    }
    AtomicFiles.write(png, AtomicFiles.Existing.REPLACE,
        out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
  }
}
