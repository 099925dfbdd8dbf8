package dev.rgal.toolkit.data;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.rgal.api.DataSpec;
import dev.rgal.api.DfkdException;
import dev.rgal.api.RunSpec;
import dev.rgal.api.training.DataPool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;

/**
 * The data pool held in memory as uint8 — the quantisation the original PNG pools had
 * ({@code clamp(0,1)·255}, truncated) — and appended to a file so a run can be resumed. Each
 * {@link #sample} draws {@code batchSize} distinct images uniformly (with replacement only when the
 * pool is smaller than the batch), then applies the KD-time augmentation and normalisation to the
 * whole batch.
 *
 * <p>It keeps the label each image was added with ({@link #add(NDArray, NDArray)}); images added
 * without one make {@link #hasLabels()} false.
 *
 * <p>File format: the 8 bytes {@code RGALPOOL}, int version, ints C, H, W, then one record per
 * image: C·H·W pixel bytes, and in version 2 a big-endian int label ({@code -1}: none). New pools
 * are version 2; a version-1 pool (no labels) is still read and appended to, unlabelled. A partial
 * trailing record (a crash mid-append) is ignored when reopening.
 */
@API(status = STABLE, since = "0.1")
public final class InMemoryDataPool implements DataPool, AutoCloseable {
  private static final byte[] MAGIC = "RGALPOOL".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final int HEADER = MAGIC.length + 16;
  private static final int VERSION = 2;
  private static final int NO_LABEL = -1;
  private final Uint8Staging staging = new Uint8Staging();

  private final int channels;
  private final int height;
  private final int width;
  private final int per;
  private final Normalization norm;
  private final RunSpec.Augmentation augmentation;
  private final FileChannel file;
  private int version = VERSION;
  private int record;
  private byte[] pixels = new byte[0];
  private int[] labels = new int[0];
  private int size;
  private int unlabelled;

  private InMemoryDataPool(DataSpec data, RunSpec.Augmentation augmentation, FileChannel file) {
    this.channels = data.channels();
    this.height = data.height();
    this.width = data.width();
    this.per = channels * height * width;
    this.norm = Normalization.of(data);
    this.augmentation = augmentation;
    this.file = file;
    this.record = recordBytes(VERSION);
  }

  private int recordBytes(int fileVersion) {
    return per + (fileVersion >= 2 ? Integer.BYTES : 0);
  }

  /** Opens (creating or reloading) the pool file. */
  public static InMemoryDataPool open(Path path, DataSpec data, RunSpec.Augmentation augmentation) {
    try {
      Files.createDirectories(path.toAbsolutePath().getParent());
      FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      InMemoryDataPool pool = new InMemoryDataPool(data, augmentation, ch);
      pool.load();
      return pool;
    } catch (IOException e) {
      throw new DfkdException("cannot open the data pool " + path + " (" + e.getMessage() + "): choose a writable --out directory");
    }
  }

  private void load() throws IOException {
    long len = file.size();
    if (len == 0) {
      ByteBuffer h = ByteBuffer.allocate(HEADER);
      h.put(MAGIC).putInt(VERSION).putInt(channels).putInt(height).putInt(width).flip();
      file.write(h, 0);
      file.force(true);
      return;
    }
    ByteBuffer h = ByteBuffer.allocate(HEADER);
    file.read(h, 0);
    h.flip();
    byte[] magic = new byte[MAGIC.length];
    if (h.remaining() < HEADER) {
      throw new DfkdException("data pool file is corrupt (short header): start a new run");
    }
    h.get(magic);
    int version = h.getInt();
    if (!Arrays.equals(magic, MAGIC) || version < 1 || version > VERSION) {
      throw new DfkdException("not a data pool file (bad header): start a new run");
    }
    int c = h.getInt();
    int hh = h.getInt();
    int w = h.getInt();
    if (c != channels || hh != height || w != width) {
      throw new DfkdException("the data pool holds " + c + "x" + hh + "x" + w + " images but the teacher takes "
          + channels + "x" + height + "x" + width + ": resume with the same teacher");
    }
    this.version = version;
    this.record = recordBytes(version);
    int n = (int) ((len - HEADER) / record);
    byte[] raw = new byte[Math.multiplyExact(n, record)];
    ByteBuffer body = ByteBuffer.wrap(raw);
    long pos = HEADER;
    while (body.hasRemaining()) {
      int r = file.read(body, pos);
      if (r < 0) {
        break;
      }
      pos += r;
    }
    labels = new int[n];
    if (record == per) {
      pixels = raw;
      Arrays.fill(labels, NO_LABEL);
    } else {
      pixels = new byte[n * per];
      ByteBuffer in = ByteBuffer.wrap(raw);
      for (int i = 0; i < n; i++) {
        in.get(pixels, i * per, per);
        labels[i] = in.getInt();
      }
    }
    size = n;
    unlabelled = countUnlabelled(n);
    if (len != HEADER + (long) n * record) {
      file.truncate(HEADER + (long) n * record); // drop a partial record left by a crash
    }
  }

  private int countUnlabelled(int n) {
    int c = 0;
    for (int i = 0; i < n; i++) {
      if (labels[i] == NO_LABEL) {
        c++;
      }
    }
    return c;
  }

  @Override
  public int size() {
    return size;
  }

  /** Keeps only the first {@code n} images, in memory and on disk (resume after a partial epoch). */
  public void truncate(int n) {
    if (n > size) {
      throw new DfkdException("the data pool holds " + size + " images but the checkpoint expects " + n
          + ": the run directory is inconsistent; start a new run");
    }
    size = n;
    unlabelled = countUnlabelled(n);
    try {
      file.truncate(HEADER + (long) n * record);
      file.force(true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Quantises {@code [0,1]} floats to uint8 as the PNG pools did: clamp, ×255, truncate. */
  public static NDArray quantize(NDArray images) {
    return images.clip(0f, 1f).mul(255f).floor().toType(DataType.UINT8, false);
  }

  @Override
  public void add(NDArray images) {
    int[] none = new int[(int) images.getShape().get(0)];
    Arrays.fill(none, NO_LABEL);
    append(images, none);
  }

  /**
   * {@inheritDoc} In a version-1 pool file, which has no room for labels, the labels are dropped.
   *
   * @throws IllegalArgumentException if the labels are not [N] non-negative integers
   */
  @Override
  public void add(NDArray images, NDArray labels) {
    Shape s = labels.getShape();
    if (s.dimension() != 1 || s.get(0) != images.getShape().get(0)) {
      throw new IllegalArgumentException("pool labels must be [" + images.getShape().get(0) + "], got " + s);
    }
    int[] y = labels.toType(DataType.INT32, false).toIntArray();
    for (int v : y) {
      if (v < 0) {
        throw new IllegalArgumentException("pool labels must be class indices ≥ 0, got " + v);
      }
    }
    if (record == per) {
      Arrays.fill(y, NO_LABEL);
    }
    append(images, y);
  }

  private void append(NDArray images, int[] y) {
    Shape s = images.getShape();
    if (s.dimension() != 4 || s.get(1) != channels || s.get(2) != height || s.get(3) != width) {
      throw new IllegalArgumentException("pool takes [N," + channels + "," + height + "," + width + "], got " + s);
    }
    byte[] bytes;
    try (NDArray q = quantize(images.stopGradient())) {
      bytes = q.toByteArray();
    }
    int n = (int) s.get(0);
    if ((long) (size + n) * per > pixels.length) {
      pixels = Arrays.copyOf(pixels, (int) Math.max((long) (size + n) * per, (long) pixels.length * 3 / 2));
      labels = Arrays.copyOf(labels, pixels.length / per);
    }
    System.arraycopy(bytes, 0, pixels, size * per, bytes.length);
    System.arraycopy(y, 0, labels, size, n);
    ByteBuffer out = ByteBuffer.allocate(n * record);
    for (int i = 0; i < n; i++) {
      out.put(bytes, i * per, per);
      if (record != per) {
        out.putInt(y[i]);
      }
    }
    out.flip();
    try {
      file.write(out, HEADER + (long) size * record);
      file.force(false);
    } catch (IOException e) {
      throw new DfkdException("cannot append to the data pool file (" + e.getMessage() + "): free disk space");
    }
    size += n;
    for (int v : y) {
      if (v == NO_LABEL) {
        unlabelled++;
      }
    }
  }

  @Override
  public boolean hasLabels() {
    return size > 0 && unlabelled == 0;
  }

  /** The label stored with image {@code index}, or {@code -1} when it was added without one. */
  public int label(int index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException("image " + index + " of a pool of " + size);
    }
    return labels[index];
  }

  /** The stored images at {@code indices} as float [B,C,H,W] in [0,1] (no augmentation). */
  public NDArray images(NDManager manager, int[] indices) {
    return staging.gather(manager, pixels, indices, per, new Shape(indices.length, channels, height, width));
  }

  @Override
  public NDArray images(NDManager manager, int from, int count) {
    if (from < 0 || count < 0 || from + count > size) {
      throw new IndexOutOfBoundsException("images " + from + ".." + (from + count - 1) + " of a pool of " + size);
    }
    int[] idx = new int[count];
    for (int i = 0; i < count; i++) {
      idx[i] = from + i;
    }
    return norm.apply(images(manager, idx));
  }

  private int[] draw(int k, Random random) {
    if (size == 0) {
      throw new IllegalStateException("the data pool is empty: synthesise before sampling");
    }
    int[] idx = new int[k];
    if (k <= size) {
      // partial Fisher-Yates over a virtual permutation: k distinct indices
      java.util.HashMap<Integer, Integer> swaps = new java.util.HashMap<>();
      for (int i = 0; i < k; i++) {
        int j = i + random.nextInt(size - i);
        int vi = swaps.getOrDefault(i, i);
        int vj = swaps.getOrDefault(j, j);
        idx[i] = vj;
        swaps.put(j, vi);
      }
    } else {
      for (int i = 0; i < k; i++) {
        idx[i] = random.nextInt(size);
      }
    }
    return idx;
  }

  private NDArray augment(NDArray x, Random random) {
    return norm.apply(BatchAugment.cropAndFlip(x, augmentation.cropPadding(), augmentation.horizontalFlip(), random));
  }

  @Override
  public NDArray sample(NDManager manager, int batchSize, Random random) {
    return augment(images(manager, draw(batchSize, random)), random);
  }

  @Override
  public NDArray samplePaired(NDManager manager, int pairs, Random random) {
    NDArray x = images(manager, draw(pairs, random));
    return NDArrays.concat(new NDList(augment(x, random), augment(x, random)), 0);
  }

  @Override
  public LabelledBatch sampleLabelled(NDManager manager, int batchSize, boolean paired, Random random) {
    if (!hasLabels()) {
      throw new IllegalStateException(size == 0 ? "the data pool is empty: synthesise before sampling"
          : (size - unlabelled == 0 ? "the data pool keeps no labels" : unlabelled + " of the pool's " + size
              + " images have no label"));
    }
    int[] idx = draw(paired ? batchSize / 2 : batchSize, random);
    long[] y = new long[paired ? 2 * idx.length : idx.length];
    for (int i = 0; i < y.length; i++) {
      y[i] = labels[idx[i % idx.length]];
    }
    NDArray x = images(manager, idx);
    NDArray batch = paired ? NDArrays.concat(new NDList(augment(x, random), augment(x, random)), 0) : augment(x, random);
    return new LabelledBatch(batch, manager.create(y));
  }

  @Override
  public void close() {
    try {
      file.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
