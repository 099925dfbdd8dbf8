package dev.rgal.kernel.run;

import dev.rgal.toolkit.data.Datasets;
import dev.rgal.toolkit.data.ImageDataset;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The first N real Fashion-MNIST test images written back as IDX files (28×28, un-padded), so
 * tests that evaluate every epoch stay fast while still measuring on real images.
 */
final class SmallTestSet {
  private SmallTestSet() {}

  static Path write(Path dir, int n) {
    ImageDataset test = Datasets.open("fashion-mnist", null, Datasets.Split.TEST);
    try {
      Files.createDirectories(dir);
      try (DataOutputStream img = new DataOutputStream(Files.newOutputStream(dir.resolve("t10k-images-idx3-ubyte")));
          DataOutputStream lab = new DataOutputStream(Files.newOutputStream(dir.resolve("t10k-labels-idx1-ubyte")))) {
        img.writeInt(0x803);
        img.writeInt(n);
        img.writeInt(28);
        img.writeInt(28);
        lab.writeInt(0x801);
        lab.writeInt(n);
        for (int i = 0; i < n; i++) {
          byte[] px = test.image(i); // 32x32 padded: take the 28x28 centre
          for (int y = 2; y < 30; y++) {
            img.write(px, y * 32 + 2, 28);
          }
          lab.writeByte(test.label(i));
        }
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
