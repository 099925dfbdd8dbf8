package dev.rgal.toolkit.data;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import dev.rgal.api.DataSpec;
import dev.rgal.api.DfkdException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The datasets the toolkit reads, by name, with their normalisation constants. MNIST-family
 * images come back zero-padded from 28×28 to 32×32 so the LeNet and CIFAR-style models take them.
 */
@API(status = STABLE, since = "0.1")
public final class Datasets {
  /** Default Fashion-MNIST location: Debian's {@code dataset-fashion-mnist} package. */
  public static final Path FASHION_MNIST_DIR = Path.of("/usr/share/datasets/fashion-mnist");

  public static final List<String> NAMES = List.of("fashion-mnist", "mnist", "cifar10", "cifar100");

  private Datasets() {}

  /** Train or test split. */
  public enum Split { TRAIN, TEST }

  /** Shape, classes and normalisation of a dataset. */
  public static DataSpec dataSpec(String name) {
    return switch (name) {
      case "fashion-mnist" -> new DataSpec(name, 1, 32, 32, 10, List.of(0.2860), List.of(0.3530));
      case "mnist" -> new DataSpec(name, 1, 32, 32, 10, List.of(0.1307), List.of(0.3081));
      case "cifar10" -> new DataSpec(name, 3, 32, 32, 10, List.of(0.4914, 0.4822, 0.4465), List.of(0.2023, 0.1994, 0.2010));
      case "cifar100" -> new DataSpec(name, 3, 32, 32, 100, List.of(0.5071, 0.4867, 0.4408), List.of(0.2675, 0.2565, 0.2761));
      default -> throw unknown(name);
    };
  }

  private static DfkdException unknown(String name) {
    return new DfkdException("unknown dataset '" + name + "'; known datasets: " + String.join(", ", NAMES));
  }

  /** Opens a split; {@code dir} null means the dataset's default location (Fashion-MNIST only). */
  public static ImageDataset open(String name, @Nullable Path dir, Split split) {
    List<Path> files = requireFiles(name, dir, split);
    return switch (name) {
      case "fashion-mnist", "mnist" -> idx(name, files.get(0), files.get(1));
      case "cifar10" -> CifarReader.read(name, files, false);
      case "cifar100" -> CifarReader.read(name, files, true);
      default -> throw unknown(name);
    };
  }

  /**
   * The files of a split, checked to exist without reading them, so a command can refuse a wrong
   * directory before it opens a tracked run or creates a run directory.
   *
   * @throws DfkdException naming the missing location and the fix
   */
  public static List<Path> requireFiles(String name, @Nullable Path dir, Split split) {
    return switch (name) {
      case "fashion-mnist" -> idxFiles(dir == null ? FASHION_MNIST_DIR : dir, split,
          "Fashion-MNIST not found at %s: install it with 'apt-get install dataset-fashion-mnist' or pass --data-dir DIR");
      case "mnist" -> idxFiles(requireDir(name, dir), split, "MNIST not found at %s: pass --data-dir DIR holding the IDX files");
      case "cifar10" -> {
        Path d = requireDir(name, dir);
        List<Path> files = new ArrayList<>();
        if (split == Split.TRAIN) {
          for (int i = 1; i <= 5; i++) {
            files.add(d.resolve("data_batch_" + i + ".bin"));
          }
        } else {
          files.add(d.resolve("test_batch.bin"));
        }
        yield requireAll(name, files);
      }
      case "cifar100" -> requireAll(name, List.of(requireDir(name, dir).resolve(split == Split.TRAIN ? "train.bin" : "test.bin")));
      default -> throw unknown(name);
    };
  }

  private static List<Path> requireAll(String name, List<Path> files) {
    for (Path f : files) {
      if (!Files.isRegularFile(f)) {
        throw new DfkdException(name + " file " + f + " is missing: pass --data-dir DIR holding the dataset's binary files");
      }
    }
    return files;
  }

  private static Path requireDir(String name, @Nullable Path dir) {
    if (dir == null) {
      throw new DfkdException(name + " has no default location: pass --data-dir DIR");
    }
    if (!Files.isDirectory(dir)) {
      throw new DfkdException(name + " not found at " + dir + ": pass --data-dir DIR holding its files");
    }
    return dir;
  }

  private static List<Path> idxFiles(Path dir, Split split, String missing) {
    String prefix = split == Split.TRAIN ? "train" : "t10k";
    Path images = find(dir, prefix + "-images-idx3-ubyte");
    Path labels = find(dir, prefix + "-labels-idx1-ubyte");
    if (!Files.isDirectory(dir) || images == null || labels == null) {
      throw new DfkdException(String.format(missing, dir));
    }
    return List.of(images, labels);
  }

  private static ImageDataset idx(String name, Path images, Path labels) {
    IdxReader.Images im = IdxReader.readImages(images);
    int[] y = IdxReader.readLabels(labels);
    if (y.length != im.count()) {
      throw new DfkdException(images + " holds " + im.count() + " images but " + labels + " holds " + y.length
          + " labels: reinstall the dataset or fix --data-dir");
    }
    return ImageDataset.of(name, 1, im.rows(), im.cols(), 10, im.pixels(), y).padTo(32, 32);
  }

  private static @Nullable Path find(Path dir, String base) {
    for (String suffix : new String[] {".gz", ""}) {
      Path p = dir.resolve(base + suffix);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    return null;
  }
}
