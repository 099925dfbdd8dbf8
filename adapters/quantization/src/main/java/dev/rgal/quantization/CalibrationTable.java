package dev.rgal.quantization;

import com.google.gson.GsonBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The calibrated activation ranges, one row per quantized ReLU site in forward order. */
public record CalibrationTable(List<Row> rows) {
  /** One site's range. */
  public record Row(String site, int bits, String estimator, long updates, double low, double high) {}

  public CalibrationTable {
    rows = List.copyOf(rows);
  }

  /** The table of a net's current ranges. */
  public static CalibrationTable of(QuantizedNet net) {
    List<Row> rows = new ArrayList<>();
    for (ActivationQuantizer q : net.activationQuantizers().values()) {
      double[] r = q.range();
      rows.add(new Row(q.site(), q.bits(), q.estimator().label(), q.updates(), r[0], r[1]));
    }
    return new CalibrationTable(rows);
  }

  /** CSV with a header: site,bits,estimator,updates,low,high. */
  public String toCsv() {
    StringBuilder sb = new StringBuilder("site,bits,estimator,updates,low,high\n");
    for (Row r : rows) {
      sb.append(String.format(Locale.ROOT, "%s,%d,%s,%d,%.9g,%.9g%n", r.site(), r.bits(), r.estimator(),
          r.updates(), r.low(), r.high()));
    }
    return sb.toString();
  }

  /** A JSON array of the rows. */
  public String toJson() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Row r : rows) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("site", r.site());
      m.put("bits", r.bits());
      m.put("estimator", r.estimator());
      m.put("updates", r.updates());
      m.put("low", r.low());
      m.put("high", r.high());
      out.add(m);
    }
    return new GsonBuilder().setPrettyPrinting().create().toJson(out);
  }
}
