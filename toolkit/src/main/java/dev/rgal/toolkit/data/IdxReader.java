package dev.rgal.toolkit.data;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;

import dev.rgal.api.DfkdException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads MNIST-family IDX files, gzip-compressed or raw (detected from the gzip header). Images:
 * magic 0x00000803, count, rows, cols, then bytes. Labels: magic 0x00000801, count, then bytes.
 */
@API(status = INTERNAL, since = "0.1")
public final class IdxReader {
  static final int IMAGES_MAGIC = 0x00000803;
  static final int LABELS_MAGIC = 0x00000801;

  private IdxReader() {}

  /** Images of an IDX3 file: {@code dims = {count, rows, cols}} and the pixels. */
  public record Images(int count, int rows, int cols, byte[] pixels) {}

  public static Images readImages(Path file) {
    try (DataInputStream in = open(file)) {
      checkMagic(file, in.readInt(), IMAGES_MAGIC);
      int n = in.readInt();
      int rows = in.readInt();
      int cols = in.readInt();
      if (n < 0 || rows <= 0 || cols <= 0) {
        throw new DfkdException(file + " has an invalid IDX header: reinstall the dataset");
      }
      byte[] px = new byte[Math.multiplyExact(n, rows * cols)];
      in.readFully(px);
      return new Images(n, rows, cols, px);
    } catch (EOFException e) {
      throw truncated(file);
    } catch (ZipException e) {
      throw new DfkdException(file + " is a corrupt gzip file: reinstall the dataset (apt-get install --reinstall dataset-fashion-mnist) or fix --data-dir");
    } catch (NoSuchFileException e) {
      throw new DfkdException(file + " does not exist: pass the directory holding the IDX files with --data-dir");
    } catch (IOException e) {
      throw new DfkdException("cannot read " + file + ": " + e.getMessage());
    }
  }

  public static int[] readLabels(Path file) {
    try (DataInputStream in = open(file)) {
      checkMagic(file, in.readInt(), LABELS_MAGIC);
      int n = in.readInt();
      if (n < 0) {
        throw new DfkdException(file + " has an invalid IDX header: reinstall the dataset");
      }
      byte[] b = new byte[n];
      in.readFully(b);
      int[] labels = new int[n];
      for (int i = 0; i < n; i++) {
        labels[i] = b[i] & 0xff;
      }
      return labels;
    } catch (EOFException e) {
      throw truncated(file);
    } catch (ZipException e) {
      throw new DfkdException(file + " is a corrupt gzip file: reinstall the dataset or fix --data-dir");
    } catch (NoSuchFileException e) {
      throw new DfkdException(file + " does not exist: pass the directory holding the IDX files with --data-dir");
    } catch (IOException e) {
      throw new DfkdException("cannot read " + file + ": " + e.getMessage());
    }
  }

  private static DfkdException truncated(Path file) {
    return new DfkdException(file + " is truncated (fewer bytes than its header announces): reinstall the dataset (apt-get install --reinstall dataset-fashion-mnist) or fix --data-dir");
  }

  private static void checkMagic(Path file, int got, int expected) {
    if (got != expected) {
      throw new DfkdException(String.format("%s is not an IDX %s file (magic number 0x%08x, expected 0x%08x): pass the right file or --data-dir",
          file, expected == IMAGES_MAGIC ? "image" : "label", got, expected));
    }
  }

  private static DataInputStream open(Path file) throws IOException {
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    raw.mark(2);
    int b1 = raw.read();
    int b2 = raw.read();
    raw.reset();
    InputStream in = (b1 == 0x1f && b2 == 0x8b) ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw;
    return new DataInputStream(in);
  }
}
