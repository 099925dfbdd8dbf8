package dev.rgal.rgal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads the RGAL conformance vectors ({@code conformance/rgal_loss_vectors.json} in this module's
 * test resources; {@code conformance/SOURCE.md} there says where they come from) and compares
 * arrays against them.
 */
final class ConformanceVectors {
  static final String RESOURCE = "/conformance/rgal_loss_vectors.json";

  private ConformanceVectors() {}

  /**
   * The parsed vectors. Fails the calling test (never skips) if the resource is missing: the
   * conformance check is the main oracle of this package.
   */
  static JsonObject load() {
    try (InputStream in = ConformanceVectors.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return fail("RGAL conformance vectors " + RESOURCE + " missing from rgal-plugin/src/test/resources");
      }
      try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
        return JsonParser.parseReader(r).getAsJsonObject();
      }
    } catch (IOException e) {
      return fail("cannot read conformance vectors " + RESOURCE + ": " + e);
    }
  }

  /** Shape of a nested JSON number array. */
  static long[] shape(JsonElement e) {
    List<Long> dims = new ArrayList<>();
    JsonElement cur = e;
    while (cur.isJsonArray()) {
      JsonArray a = cur.getAsJsonArray();
      dims.add((long) a.size());
      if (a.size() == 0) {
        break;
      }
      cur = a.get(0);
    }
    return dims.stream().mapToLong(Long::longValue).toArray();
  }

  /** Row-major flattening of a nested JSON number (or boolean) array. */
  static double[] flat(JsonElement e) {
    List<Double> out = new ArrayList<>();
    flatten(e, out);
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static void flatten(JsonElement e, List<Double> out) {
    if (e.isJsonArray()) {
      for (JsonElement c : e.getAsJsonArray()) {
        flatten(c, out);
      }
    } else if (e.getAsJsonPrimitive().isBoolean()) {
      out.add(e.getAsBoolean() ? 1.0 : 0.0);
    } else {
      out.add(e.getAsDouble());
    }
  }

  static long[] longs(JsonElement e) {
    double[] d = flat(e);
    long[] out = new long[d.length];
    for (int i = 0; i < d.length; i++) {
      out[i] = Math.round(d[i]);
      assertEquals(out[i], d[i], 0.0, "index list holds a non-integer");
    }
    return out;
  }

  static boolean[] booleans(JsonElement e) {
    double[] d = flat(e);
    boolean[] out = new boolean[d.length];
    for (int i = 0; i < d.length; i++) {
      out[i] = d[i] != 0;
    }
    return out;
  }

  /** A float32 array with the JSON's shape (inputs are exact 4-decimal numbers). */
  static NDArray array(NDManager m, JsonElement e) {
    double[] d = flat(e);
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return m.create(f, new Shape(shape(e)));
  }

  /** Element-wise |expected − actual| ≤ tol, with shapes equal, reporting the worst element. */
  static void assertClose(String what, JsonElement expected, NDArray actual, double tol) {
    assertArrayEquals(shape(expected), actual.getShape().getShape(), what + ": shape");
    assertClose(what, flat(expected), actual, tol);
  }

  static void assertClose(String what, double[] expected, NDArray actual, double tol) {
    double[] got = actual.toType(DataType.FLOAT64, false).toDoubleArray();
    assertEquals(expected.length, got.length, what + ": element count");
    int worst = -1;
    double worstErr = 0;
    for (int i = 0; i < got.length; i++) {
      double err = Math.abs(expected[i] - got[i]);
      if (!(err <= tol) && (worst < 0 || err > worstErr || Double.isNaN(err))) {
        worst = i;
        worstErr = err;
      }
    }
    if (worst >= 0) {
      fail(
          String.format(
              "%s: element %d expected %.9g but was %.9g (|diff| %.3g > %.1g)",
              what, worst, expected[worst], got[worst], worstErr, tol));
    }
  }

  static void assertLongs(String what, JsonElement expected, NDArray actual) {
    assertArrayEquals(longs(expected), actual.toType(DataType.INT64, false).toLongArray(), what);
  }

  static void assertBooleans(String what, JsonElement expected, NDArray actual) {
    assertArrayEquals(booleans(expected), actual.toBooleanArray(), what);
  }
}
