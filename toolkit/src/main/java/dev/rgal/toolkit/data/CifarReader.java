package dev.rgal.toolkit.data;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;

import dev.rgal.api.DfkdException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the CIFAR binary format: per record one label byte (CIFAR-10) or coarse + fine label bytes
 * (CIFAR-100, the fine label is used), then 3072 pixel bytes (R, G, B planes of 32×32).
 */
@API(status = INTERNAL, since = "0.1")
public final class CifarReader {
  private CifarReader() {}

  public static ImageDataset read(String name, List<Path> files, boolean cifar100) {
    int labelBytes = cifar100 ? 2 : 1;
    int record = labelBytes + 3072;
    byte[][] contents = new byte[files.size()][];
    int total = 0;
    for (int f = 0; f < files.size(); f++) {
      Path p = files.get(f);
      try {
        contents[f] = Files.readAllBytes(p);
      } catch (java.nio.file.NoSuchFileException e) {
        throw new DfkdException(p + " does not exist: pass the directory holding the CIFAR binary files with --data-dir");
      } catch (IOException e) {
        throw new DfkdException("cannot read " + p + ": " + e.getMessage());
      }
      if (contents[f].length % record != 0) {
        throw new DfkdException(p + " is truncated (its size is not a whole number of " + record
            + "-byte records): download the binary version again");
      }
      total += contents[f].length / record;
    }
    byte[] pixels = new byte[total * 3072];
    int[] labels = new int[total];
    int k = 0;
    for (byte[] c : contents) {
      for (int off = 0; off < c.length; off += record, k++) {
        labels[k] = c[off + labelBytes - 1] & 0xff;
        System.arraycopy(c, off + labelBytes, pixels, k * 3072, 3072);
      }
    }
    return ImageDataset.of(name, 3, 32, 32, cifar100 ? 100 : 10, pixels, labels);
  }
}
