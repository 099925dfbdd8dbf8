package dev.rgal.quantization;

import dev.rgal.toolkit.io.AtomicFiles;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rgal.api.DataSpec;
import dev.rgal.api.DfkdException;
import dev.rgal.toolkit.graph.NoGrad;
import dev.rgal.toolkit.zoo.Zoo;
import dev.rgal.toolkit.zoo.ZooNet;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.jspecify.annotations.Nullable;

/**
 * The deployable quantized model: a ZIP (JDK) of three entries.
 *
 * <ul>
 *   <li>{@code manifest.json}: format, architecture and input shape, bit widths, policy, range
 *       estimator, BN mode, the teacher's weights SHA-256, every weight layer's width and every
 *       activation quantizer's frozen range [low, high] and width;
 *   <li>{@code tensors.safetensors} (DJL's safetensors encoder): for each quantized layer L the
 *       int8 codes {@code L.weight.codes}, float32 {@code L.weight.scale} and int32 {@code
 *       L.weight.zero_point} per output channel; every other state-dict tensor (biases, BN,
 *       full-precision weights) in float32 under its name;
 *   <li>{@code content.sha256}: SHA-256 of the manifest bytes followed by the tensor bytes.
 * </ul>
 *
 * <p>Written to a temporary name and renamed, never over an existing file. Reading checks the
 * checksum, the format and the architecture before building anything.
 */
public final class QuantizedModelFile {
  public static final String FORMAT = "rgal-quantized-model";
  public static final int VERSION = 2; // 2: the data description (dataset, mean, std)
  private static final String MANIFEST = "manifest.json";
  private static final String TENSORS = "tensors.safetensors";
  private static final String CHECKSUM = "content.sha256";
  private static final Gson GSON = new Gson();

  private QuantizedModelFile() {}

  /**
   * Writes {@code net} (its current shadow weights, quantized once, and its frozen ranges).
   *
   * @param teacherSha256 SHA-256 of the teacher's weights file (teacher.json's weightsSha256)
   * @param data the data the teacher was trained on (its normalisation travels with the model)
   * @throws DfkdException if the file exists, the ranges are not frozen, or writing fails
   */
  public static void write(QuantizedNet net, String teacherSha256, DataSpec data, Path file) {
    if (!net.rangesFrozen()) {
      throw new DfkdException("the quantized net's activation ranges are not frozen: calibrate it before saving");
    }
    if (!teacherSha256.matches("[0-9a-f]{64}")) {
      throw new DfkdException("teacher checksum '" + teacherSha256
          + "' is not a hex SHA-256: pass the weightsSha256 of the teacher's teacher.json");
    }
    Path abs = file.toAbsolutePath();
    if (Files.exists(abs)) {
      throw new DfkdException(file + " already exists: choose another output file or remove it first");
    }
    JsonObject manifest = new JsonObject();
    QuantizationConfig c = net.config();
    manifest.addProperty("format", FORMAT);
    manifest.addProperty("version", VERSION);
    manifest.addProperty("architecture", net.info().architecture());
    manifest.addProperty("channels", net.info().channels());
    manifest.addProperty("height", net.info().height());
    manifest.addProperty("width", net.info().width());
    manifest.addProperty("numClasses", net.info().numClasses());
    manifest.addProperty("bits", c.bits().toString());
    manifest.addProperty("policy", c.policy().label());
    manifest.addProperty("estimator", c.estimator().label());
    manifest.addProperty("bnMode", c.bnMode().name());
    manifest.addProperty("teacherSha256", teacherSha256);
    manifest.addProperty("dataset", data.dataset());
    manifest.add("mean", GSON.toJsonTree(data.mean()));
    manifest.add("std", GSON.toJsonTree(data.std()));
    JsonArray layers = new JsonArray();
    net.weightBits().forEach((layer, bits) -> {
      JsonObject o = new JsonObject();
      o.addProperty("layer", layer);
      o.addProperty("bits", bits);
      layers.add(o);
    });
    manifest.add("weights", layers);
    JsonArray acts = new JsonArray();
    for (ActivationQuantizer q : net.activationQuantizers().values()) {
      double[] r = q.range();
      JsonObject o = new JsonObject();
      o.addProperty("site", q.site());
      o.addProperty("bits", q.bits());
      o.addProperty("low", r[0]);
      o.addProperty("high", r[1]);
      acts.add(o);
    }
    manifest.add("activations", acts);

    byte[] manifestBytes = GSON.toJson(manifest).getBytes(StandardCharsets.UTF_8);
    byte[] tensorBytes;
    try (NDManager m = net.net().manager().newSubManager()) {
      NDList list = new NDList();
      Map<String, QuantizedTensor> quantized = new HashMap<>();
      for (QuantizedTensor t : net.exportWeights()) {
        quantized.put(t.layer() + ".weight", t);
      }
      for (Map.Entry<String, Parameter> e : net.net().stateDict().entrySet()) {
        QuantizedTensor t = quantized.get(e.getKey());
        if (t == null) {
          list.add(named(m.create(e.getValue().getArray().toFloatArray(), e.getValue().getShape()), e.getKey()));
        } else {
          list.add(named(m.create(t.codes(), t.shape()), e.getKey() + ".codes"));
          list.add(named(m.create(t.scales()), e.getKey() + ".scale"));
          list.add(named(m.create(t.zeroPoints()), e.getKey() + ".zero_point"));
        }
      }
      tensorBytes = list.encode(NDList.Encoding.SAFETENSORS);
    }
    String checksum = sha256(manifestBytes, tensorBytes);

    AtomicFiles.write(abs, AtomicFiles.Existing.REFUSE, out -> {
      try (ZipOutputStream zip = new ZipOutputStream(out)) {
        entry(zip, MANIFEST, manifestBytes);
        entry(zip, TENSORS, tensorBytes);
        entry(zip, CHECKSUM, checksum.getBytes(StandardCharsets.US_ASCII));
      }
    });
  }

  private static NDArray named(NDArray a, String name) {
    a.setName(name);
    return a;
  }

  private static void entry(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(bytes);
    zip.closeEntry();
  }

  /** The manifest of a file, checked (checksum, format), as a map of its top-level scalars. */
  public static Map<String, String> describe(Path file) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> e : open(file).manifest.entrySet()) {
      if (e.getValue().isJsonPrimitive()) {
        out.put(e.getKey(), e.getValue().getAsString());
      }
    }
    return out;
  }

  /** The data description the model was written with: dataset, shape, classes and normalisation. */
  public static DataSpec dataSpec(Path file) {
    JsonObject mf = open(file).manifest;
    try {
      java.util.List<Double> mean = new java.util.ArrayList<>();
      mf.getAsJsonArray("mean").forEach(v -> mean.add(v.getAsDouble()));
      java.util.List<Double> std = new java.util.ArrayList<>();
      mf.getAsJsonArray("std").forEach(v -> std.add(v.getAsDouble()));
      return new DataSpec(mf.get("dataset").getAsString(), mf.get("channels").getAsInt(), mf.get("height").getAsInt(),
          mf.get("width").getAsInt(), mf.get("numClasses").getAsInt(), mean, std);
    } catch (RuntimeException e) {
      throw corrupt(file, "incomplete manifest (no data description)");
    }
  }

  /**
   * Loads a quantized model for inference: the net of the recorded architecture with the
   * dequantized integer weights, full-precision biases and BN, and the frozen ranges.
   *
   * @param expectedArchitecture the architecture the caller needs, or null to accept any
   * @param manager parent of the net's manager
   * @throws DfkdException if the file is missing, corrupt, of another architecture or format
   */
  public static QuantizedNet read(Path file, @Nullable String expectedArchitecture, NDManager manager) {
    Opened o = open(file);
    JsonObject mf = o.manifest;
    String arch;
    QuantizationConfig config;
    int[] shape;
    try {
      arch = mf.get("architecture").getAsString();
      config = new QuantizationConfig(BitWidths.parse(mf.get("bits").getAsString()),
          LayerPolicy.parse(mf.get("policy").getAsString()), RangeEstimator.parse(mf.get("estimator").getAsString()),
          BnMode.valueOf(mf.get("bnMode").getAsString()));
      shape = new int[] {mf.get("channels").getAsInt(), mf.get("height").getAsInt(), mf.get("width").getAsInt(),
          mf.get("numClasses").getAsInt()};
    } catch (DfkdException e) {
      throw corrupt(file, "manifest: " + e.getMessage());
    } catch (RuntimeException e) {
      throw corrupt(file, "incomplete manifest");
    }
    if (expectedArchitecture != null && !arch.equals(expectedArchitecture)) {
      throw new DfkdException("quantized model " + file + " holds architecture '" + arch + "' but '"
          + expectedArchitecture + "' is needed: choose the quantized model of a " + expectedArchitecture + " teacher");
    }
    ZooNet net = Zoo.create(arch, manager, shape[0], shape[1], shape[2], shape[3]);
    try (NDManager m = net.manager().newSubManager()) {
      NDList tensors = NDList.decode(m, o.tensors);
      Map<String, NDArray> byName = new HashMap<>();
      for (NDArray a : tensors) {
        byName.put(a.getName(), a);
      }
      for (Map.Entry<String, Parameter> e : net.stateDict().entrySet()) {
        String name = e.getKey();
        Shape want = e.getValue().getShape();
        float[] values;
        NDArray plain = byName.get(name);
        if (plain != null) {
          check(file, name, plain, want, DataType.FLOAT32);
          values = plain.toFloatArray();
        } else {
          NDArray codes = byName.get(name + ".codes");
          NDArray scale = byName.get(name + ".scale");
          NDArray zero = byName.get(name + ".zero_point");
          if (codes == null || scale == null || zero == null) {
            throw new DfkdException("quantized model " + file + " has no tensor " + name + " that " + arch
                + " needs: it is damaged or from another architecture");
          }
          check(file, name + ".codes", codes, want, DataType.INT8);
          check(file, name + ".scale", scale, new Shape(want.get(0)), DataType.FLOAT32);
          check(file, name + ".zero_point", zero, new Shape(want.get(0)), DataType.INT32);
          values = new QuantizedTensor(name, want, 0, codes.toByteArray(), scale.toFloatArray(),
              zero.toIntArray()).dequantize();
        }
        NDArray target = e.getValue().getArray();
        float[] v = values;
        NoGrad.run(() -> target.set(v));
      }
      QuantizedNet q = QuantizedNet.build(net, config, true);
      Map<String, double[]> ranges = new HashMap<>();
      for (JsonElement el : mf.getAsJsonArray("activations")) {
        JsonObject a = el.getAsJsonObject();
        ranges.put(a.get("site").getAsString(), new double[] {a.get("low").getAsDouble(), a.get("high").getAsDouble()});
      }
      for (ActivationQuantizer aq : q.activationQuantizers().values()) {
        double[] r = ranges.get(aq.site());
        if (r == null) {
          throw new DfkdException("quantized model " + file + " has no range for activation " + aq.site()
              + ": it is damaged or was written by another version");
        }
        aq.freezeAt(r[0], r[1]);
      }
      return q;
    } catch (RuntimeException e) {
      net.close();
      if (e instanceof DfkdException) {
        throw e;
      }
      throw corrupt(file, e.toString());
    }
  }

  private static void check(Path file, String name, NDArray a, Shape shape, DataType type) {
    if (!a.getShape().equals(shape) || a.getDataType() != type) {
      throw new DfkdException("quantized model " + file + " has " + name + " as " + a.getDataType() + " " + a.getShape()
          + ", expected " + type + " " + shape + ": it is damaged or from another architecture");
    }
  }

  private record Opened(JsonObject manifest, byte[] tensors) {}

  private static Opened open(Path file) {
    Map<String, byte[]> entries = new HashMap<>();
    try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
      for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
        entries.put(e.getName(), zip.readAllBytes());
      }
    } catch (NoSuchFileException e) {
      throw new DfkdException("quantized model " + file + " does not exist: check the path");
    } catch (IOException | RuntimeException e) {
      throw corrupt(file, "not a readable archive: " + e.getMessage());
    }
    byte[] manifest = entries.get(MANIFEST);
    byte[] tensors = entries.get(TENSORS);
    byte[] checksum = entries.get(CHECKSUM);
    if (manifest == null || tensors == null || checksum == null) {
      throw corrupt(file, "entries " + MANIFEST + ", " + TENSORS + " and " + CHECKSUM + " are needed, found "
          + entries.keySet());
    }
    if (!sha256(manifest, tensors).equals(new String(checksum, StandardCharsets.US_ASCII).trim())) {
      throw corrupt(file, "checksum mismatch");
    }
    JsonObject mf;
    try {
      mf = JsonParser.parseString(new String(manifest, StandardCharsets.UTF_8)).getAsJsonObject();
    } catch (RuntimeException e) {
      throw corrupt(file, "unreadable manifest");
    }
    if (!mf.has("format") || !FORMAT.equals(mf.get("format").getAsString())) {
      throw new DfkdException(file + " is not a quantized model (format " + mf.get("format")
          + "): pass a file written by the quantizer");
    }
    if (mf.get("version").getAsInt() != VERSION) {
      throw new DfkdException("quantized model " + file + " has version " + mf.get("version")
          + ", this build reads version " + VERSION + ": quantize the teacher again");
    }
    return new Opened(mf, tensors);
  }

  private static DfkdException corrupt(Path file, String why) {
    return new DfkdException("quantized model " + file + " is corrupt (" + why + "): write it again or restore a backup");
  }

  private static String sha256(byte[] a, byte[] b) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(a);
      d.update(b);
      return HexFormat.of().formatHex(d.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // best effort: a hidden .tmp file is all that can remain
    }
  }
}
