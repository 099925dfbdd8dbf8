package dev.rgal.toolkit.zoo;

import dev.rgal.toolkit.io.AtomicFiles;
import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.rgal.api.DfkdException;
import dev.rgal.api.model.FeatureNet;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.CRC32;
import org.jspecify.annotations.Nullable;

/**
 * Weight files: a net's named tensors as a <a href="https://huggingface.co/docs/safetensors">safetensors</a>
 * file, so Python can read it with {@code safetensors.torch.load_file} and pass it to the
 * reference module's {@code load_state_dict(..., strict=False)} (only {@code num_batches_tracked}
 * is absent).
 *
 * <p>The {@code __metadata__} records {@code format=rgal-weights}, the {@code architecture} and a
 * {@code crc32} of the data section; loading checks all three when present, so a file saved from
 * another architecture or a truncated/damaged file fails with a one-line {@link DfkdException}.
 * Files without metadata (plain PyTorch exports) load if every name and shape matches;
 * {@code *.num_batches_tracked} entries are ignored. Values are copied into the existing parameter
 * arrays in place, so optimisers holding them stay valid. Saving writes a temporary file in the
 * same directory and renames it atomically.
 *
 * <p>Names: {@link NamedWeights#stateDict()} for zoo nets and generators; DJL's parameter ids
 * ({@code block.getParameters()} keys) for any other {@link FeatureNet}.
 */
@API(status = STABLE, since = "0.1")
public final class NetWeights {
  private static final String FORMAT = "rgal-weights";
  private static final Gson GSON = new Gson();

  private NetWeights() {}

  /** Saves a net's parameters and BN running statistics to {@code file}. */
  public static void save(FeatureNet net, Path file) {
    write(architectureOf(net), namedParameters(net), file);
  }

  /** Saves a generator's parameters and BN running statistics to {@code file}. */
  public static void save(Generator generator, Path file) {
    write(generator.architecture(), generator.stateDict(), file);
  }

  /**
   * Loads weights saved by {@link #save(FeatureNet, Path)} (or a matching PyTorch export) into the
   * net, in place.
   *
   * @throws DfkdException if the file is missing, corrupt, of another architecture, or its tensor
   *     names or shapes differ (other class or channel count)
   */
  public static void load(FeatureNet net, Path file) {
    read(architectureOf(net), namedParameters(net), file);
  }

  /** Loads weights into a generator of the same configuration, in place. */
  public static void load(Generator generator, Path file) {
    read(generator.architecture(), generator.stateDict(), file);
  }

  /**
   * The architecture recorded in a weight file, or null when it has no rgal metadata.
   *
   * @throws DfkdException if the file is missing or corrupt
   */
  public static @Nullable String architectureOf(Path file) {
    return parse(file).architecture;
  }

  /**
   * Trainable parameter count: every parameter except BatchNorm running statistics (frozen
   * parameters count too; that is what papers report).
   */
  public static long parameterCount(FeatureNet net) {
    return parameterCount(net.block());
  }

  /** Like {@link #parameterCount(FeatureNet)} for any initialised DJL block. */
  public static long parameterCount(Block block) {
    long n = 0;
    for (Pair<String, Parameter> p : block.getParameters()) {
      Parameter.Type t = p.getValue().getType();
      if (t != Parameter.Type.RUNNING_MEAN && t != Parameter.Type.RUNNING_VAR) {
        n += p.getValue().getShape().size();
      }
    }
    return n;
  }

  /**
   * Name to parameter: {@link NamedWeights#stateDict()} when the net has one, else DJL's
   * parameter ids in block order.
   */
  public static Map<String, Parameter> namedParameters(FeatureNet net) {
    if (net instanceof NamedWeights named) {
      return named.stateDict();
    }
    Map<String, Parameter> m = new LinkedHashMap<>();
    for (Pair<String, Parameter> p : net.block().getParameters()) {
      m.put(p.getKey(), p.getValue());
    }
    return m;
  }

  private static String architectureOf(FeatureNet net) {
    return net instanceof NamedWeights named ? named.architecture() : net.info().architecture();
  }

  // ---------------------------------------------------------------------------------- writing

  private static void write(String architecture, Map<String, Parameter> params, Path file) {
    List<byte[]> chunks = new ArrayList<>(params.size());
    JsonObject header = new JsonObject();
    JsonObject meta = new JsonObject();
    header.add("__metadata__", meta);
    CRC32 crc = new CRC32();
    long offset = 0;
    for (Map.Entry<String, Parameter> e : params.entrySet()) {
      NDArray a = e.getValue().getArray();
      if (a.getDataType() != DataType.FLOAT32) {
        throw new IllegalStateException("only float32 parameters can be saved: " + e.getKey() + " is "
            + a.getDataType());
      }
      ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(a.size() * 4)).order(ByteOrder.LITTLE_ENDIAN);
      buf.asFloatBuffer().put(a.toFloatArray());
      byte[] bytes = buf.array();
      crc.update(bytes);
      chunks.add(bytes);
      JsonObject t = new JsonObject();
      t.addProperty("dtype", "F32");
      JsonArray shape = new JsonArray();
      for (long d : a.getShape().getShape()) {
        shape.add(d);
      }
      t.add("shape", shape);
      JsonArray offsets = new JsonArray();
      offsets.add(offset);
      offsets.add(offset + bytes.length);
      t.add("data_offsets", offsets);
      header.add(e.getKey(), t);
      offset += bytes.length;
    }
    meta.addProperty("format", FORMAT);
    meta.addProperty("architecture", architecture);
    meta.addProperty("crc32", Long.toString(crc.getValue()));
    byte[] json = GSON.toJson(header).getBytes(StandardCharsets.UTF_8);
    // safetensors pads the header with spaces to a multiple of 8
    int padded = (json.length + 7) / 8 * 8;
    ByteBuffer prefix = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    prefix.putLong(padded).put(json);
    while (prefix.hasRemaining()) {
      prefix.put((byte) ' ');
    }

    AtomicFiles.writeVia(file, AtomicFiles.Existing.REPLACE, tmp -> {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        writeFully(ch, ByteBuffer.wrap(prefix.array()));
        for (byte[] c : chunks) {
          writeFully(ch, ByteBuffer.wrap(c));
        }
      }
    });
  }

  private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      ch.write(buf);
    }
  }

  // ---------------------------------------------------------------------------------- reading

  /** A parsed, integrity-checked file. */
  private record Parsed(Path file, @Nullable String architecture,
      Map<String, Entry> entries, ByteBuffer data) {}

  private record Entry(String dtype, Shape shape, long begin, long end) {}

  private static DfkdException corrupt(Path file, String why) {
    return new DfkdException("weights file " + file + " is corrupt (" + why
        + "): save it again or restore it from a backup");
  }

  private static Parsed parse(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new DfkdException("weights file " + file + " does not exist: check the path", e);
    } catch (IOException e) {
      throw new DfkdException("cannot read weights file " + file + " (" + e + "): check its permissions", e);
    }
    if (bytes.length < 8) {
      throw corrupt(file, "only " + bytes.length + " bytes");
    }
    ByteBuffer all = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    long headerLen = all.getLong(0);
    if (headerLen < 2 || headerLen > bytes.length - 8L) {
      throw corrupt(file, "bad header length " + headerLen);
    }
    String json = new String(bytes, 8, (int) headerLen, StandardCharsets.UTF_8);
    JsonObject header;
    try {
      JsonElement el = JsonParser.parseString(json);
      if (!el.isJsonObject()) {
        throw corrupt(file, "header is not a JSON object");
      }
      header = el.getAsJsonObject();
    } catch (JsonParseException e) {
      throw corrupt(file, "unreadable header");
    }
    int dataStart = 8 + (int) headerLen;
    long dataLen = bytes.length - (long) dataStart;
    String architecture = null;
    String crc = null;
    Map<String, Entry> entries = new LinkedHashMap<>();
    long maxEnd = 0;
    try {
      for (Map.Entry<String, JsonElement> e : header.entrySet()) {
        JsonObject o = e.getValue().getAsJsonObject();
        if (e.getKey().equals("__metadata__")) {
          if (o.has("format") && !FORMAT.equals(o.get("format").getAsString())) {
            throw corrupt(file, "unknown format " + o.get("format").getAsString());
          }
          architecture = o.has("architecture") ? o.get("architecture").getAsString() : null;
          crc = o.has("crc32") ? o.get("crc32").getAsString() : null;
          continue;
        }
        JsonArray s = o.getAsJsonArray("shape");
        long[] dims = new long[s.size()];
        for (int i = 0; i < dims.length; i++) {
          dims[i] = s.get(i).getAsLong();
        }
        JsonArray off = o.getAsJsonArray("data_offsets");
        Entry en = new Entry(o.get("dtype").getAsString(), new Shape(dims), off.get(0).getAsLong(),
            off.get(1).getAsLong());
        if (en.begin < 0 || en.end < en.begin || en.end > dataLen) {
          throw corrupt(file, "tensor " + e.getKey() + " lies outside the data (truncated?)");
        }
        maxEnd = Math.max(maxEnd, en.end);
        entries.put(e.getKey(), en);
      }
    } catch (RuntimeException e) {
      if (e instanceof DfkdException d) {
        throw d;
      }
      throw corrupt(file, "malformed header");
    }
    if (maxEnd != dataLen) {
      throw corrupt(file, "data section has " + dataLen + " bytes, the header describes " + maxEnd);
    }
    if (crc != null) {
      CRC32 c = new CRC32();
      c.update(bytes, dataStart, (int) dataLen);
      if (!Long.toString(c.getValue()).equals(crc)) {
        throw corrupt(file, "checksum mismatch");
      }
    }
    ByteBuffer data = ByteBuffer.wrap(bytes, dataStart, (int) dataLen).slice().order(ByteOrder.LITTLE_ENDIAN);
    return new Parsed(file, architecture, entries, data);
  }

  private static void read(String architecture, Map<String, Parameter> params, Path file) {
    Parsed p = parse(file);
    if (p.architecture != null && !p.architecture.equals(architecture)) {
      throw new DfkdException("weights file " + file + " holds architecture '" + p.architecture
          + "' but the net is '" + architecture + "': load it into a " + p.architecture
          + " net or choose the " + architecture + " weights");
    }
    // check everything before touching any parameter, so a failed load leaves the net unchanged
    for (Map.Entry<String, Parameter> e : params.entrySet()) {
      Entry en = p.entries.get(e.getKey());
      Shape want = e.getValue().getShape();
      if (en == null) {
        throw new DfkdException("weights file " + file + " has no tensor '" + e.getKey() + "' that the "
            + architecture + " net needs: it was saved from another architecture");
      }
      if (!en.dtype.equals("F32")) {
        throw new DfkdException("weights file " + file + " stores '" + e.getKey() + "' as " + en.dtype
            + ", expected F32: convert the tensors to float32 before exporting");
      }
      if (!en.shape.equals(want) || en.end - en.begin != want.size() * 4) {
        throw new DfkdException("weights file " + file + " has '" + e.getKey() + "' with shape " + en.shape
            + " but the " + architecture + " net expects " + want
            + ": build the net with the channel and class counts the weights were trained with");
      }
    }
    for (String name : p.entries.keySet()) {
      if (!params.containsKey(name) && !name.endsWith("num_batches_tracked")) {
        throw new DfkdException("weights file " + file + " has tensor '" + name + "' that the " + architecture
            + " net lacks: it was saved from another architecture");
      }
    }
    for (Map.Entry<String, Parameter> e : params.entrySet()) {
      Entry en = p.entries.get(e.getKey());
      ByteBuffer slice = p.data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
      slice.position((int) en.begin).limit((int) en.end);
      FloatBuffer values = slice.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
      Tensors.copyInto(e.getValue().getArray(), values);
    }
  }
}
