package dev.rgal.toolkit.teacher;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a teacher is trained on real data. The defaults are the Fashion-MNIST benchmark recipe:
 * Adam lr 1e-3 (betas 0.9/0.999), no weight decay, batch 256, 10 epochs, constant lr, seed 0,
 * train augmentation random crop (zero padding 2) + horizontal flip.
 *
 * @param optimizer {@code adam} or {@code sgd} (momentum 0.9)
 * @param lr learning rate
 * @param weightDecay L2 weight decay
 * @param schedule {@code constant}, {@code cosine} (to 0 over the epochs) or {@code step}
 *     (×0.2 at 60%, 75% and 90% of the epochs, the reference CIFAR recipe)
 * @param epochs passes over the training set
 * @param batchSize images per step
 * @param cropPadding zero padding of the random crop (0 disables cropping)
 * @param flip random horizontal flips
 * @param seed drives initialisation, shuffling and augmentation
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record TeacherRecipe(
    String optimizer, double lr, double weightDecay, String schedule, int epochs, int batchSize,
    int cropPadding, boolean flip, long seed) {

  public static TeacherRecipe fashionMnistDefault() {
    return new TeacherRecipe("adam", 1e-3, 0, "constant", 10, 256, 2, true, 0);
  }

  public TeacherRecipe withEpochs(int n) {
    return new TeacherRecipe(optimizer, lr, weightDecay, schedule, n, batchSize, cropPadding, flip, seed);
  }

  public TeacherRecipe withSeed(long s) {
    return new TeacherRecipe(optimizer, lr, weightDecay, schedule, epochs, batchSize, cropPadding, flip, s);
  }

  /** Learning rate of 0-based {@code epoch}. */
  public double lrAt(int epoch) {
    return switch (schedule) {
      case "constant" -> lr;
      case "cosine" -> lr * (1 + Math.cos(Math.PI * epoch / epochs)) / 2;
      case "step" -> lr * Math.pow(0.2, (epoch >= 0.6 * epochs ? 1 : 0) + (epoch >= 0.75 * epochs ? 1 : 0)
          + (epoch >= 0.9 * epochs ? 1 : 0));
      default -> throw new dev.rgal.api.DfkdException("unknown schedule '" + schedule + "'; use constant, cosine or step");
    };
  }

  /** As strings, for teacher.json and tracking params. */
  public Map<String, String> asMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("optimizer", optimizer);
    m.put("lr", String.valueOf(lr));
    m.put("weightDecay", String.valueOf(weightDecay));
    m.put("schedule", schedule);
    m.put("epochs", String.valueOf(epochs));
    m.put("batchSize", String.valueOf(batchSize));
    m.put("cropPadding", String.valueOf(cropPadding));
    m.put("flip", String.valueOf(flip));
    m.put("seed", String.valueOf(seed));
    return m;
  }
}
