package dev.rgal.toolkit.zoo;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import ai.djl.ndarray.NDManager;
import dev.rgal.api.DfkdException;
import dev.rgal.api.model.ArchitectureFactory;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The architectures of the zoo, by name. Every factory accepts any input channel count and class
 * count; input size is 32x32 for the LeNets and at least 8x8 for the others.
 *
 * <pre>{@code
 * try (ZooNet net = Zoo.create("wrn-40-2", manager, 3, 32, 32, 10)) {
 *   Features f = net.forward(x, false);
 * }
 * }</pre>
 */
@API(status = STABLE, since = "0.1")
public final class Zoo {
  /** Names in a stable order. */
  public static final List<String> NAMES = List.of(
      "lenet5", "lenet5-half", "lenet5-bn", "lenet5-half-bn", "resnet18", "resnet34",
      "wrn-16-1", "wrn-16-2", "wrn-40-1", "wrn-40-2", "vgg11-bn");

  private static final Map<String, ArchitectureFactory> FACTORIES;

  static {
    Map<String, ArchitectureFactory> m = new LinkedHashMap<>();
    for (String name : NAMES) {
      m.put(name, (manager, c, h, w, k) -> create(name, manager, c, h, w, k));
    }
    FACTORIES = Collections.unmodifiableMap(m);
  }

  private Zoo() {}

  /** The architecture names, in a stable order. */
  public static List<String> names() {
    return NAMES;
  }

  /** Name to factory, for binding into {@code Bindings.architectures}. Unmodifiable, ordered. */
  public static Map<String, ArchitectureFactory> factories() {
    return FACTORIES;
  }

  /**
   * The factory of one architecture.
   *
   * @throws DfkdException if the name is unknown (the message lists the known names)
   */
  public static ArchitectureFactory factory(String name) {
    ArchitectureFactory f = FACTORIES.get(name);
    if (f == null) {
      throw unknown(name);
    }
    return f;
  }

  /**
   * Builds a freshly initialised net (initialisation as in the reference definitions, drawn from
   * the engine's random generator, so {@code Engine.getInstance().setRandomSeed} makes it
   * reproducible).
   *
   * @param manager parent of the net's own manager
   * @throws DfkdException for an unknown name or unusable shape
   */
  public static ZooNet create(String name, NDManager manager, int channels, int height, int width,
      int numClasses) {
    if (!FACTORIES.containsKey(name)) {
      throw unknown(name);
    }
    if (channels < 1 || numClasses < 1) {
      throw new DfkdException("architecture " + name + " needs at least 1 input channel and 1 class, got "
          + channels + " channels and " + numClasses + " classes: fix the dataset's channels/classes");
    }
    boolean lenet = name.startsWith("lenet5");
    if (lenet && (height != 32 || width != 32)) {
      throw new DfkdException("architecture " + name + " needs 32x32 inputs, got " + height + "x" + width
          + ": pad or resize the images to 32x32");
    }
    if (!lenet && (height < 8 || width < 8)) {
      throw new DfkdException("architecture " + name + " needs inputs of at least 8x8, got " + height + "x"
          + width + ": resize the images");
    }
    NetBody body = switch (name) {
      case "lenet5" -> new LeNet5(false, false, channels, numClasses);
      case "lenet5-half" -> new LeNet5(true, false, channels, numClasses);
      case "lenet5-bn" -> new LeNet5(false, true, channels, numClasses);
      case "lenet5-half-bn" -> new LeNet5(true, true, channels, numClasses);
      case "resnet18" -> new ResNetCifar(new int[] {2, 2, 2, 2}, channels, height, width, numClasses);
      case "resnet34" -> new ResNetCifar(new int[] {3, 4, 6, 3}, channels, height, width, numClasses);
      case "wrn-16-1" -> new WideResNet(16, 1, channels, height, width, numClasses);
      case "wrn-16-2" -> new WideResNet(16, 2, channels, height, width, numClasses);
      case "wrn-40-1" -> new WideResNet(40, 1, channels, height, width, numClasses);
      case "wrn-40-2" -> new WideResNet(40, 2, channels, height, width, numClasses);
      case "vgg11-bn" -> new Vgg(channels, height, width, numClasses);
      default -> throw unknown(name);
    };
    return new ZooNet(name, body, manager, channels, height, width, numClasses);
  }

  private static DfkdException unknown(String name) {
    return new DfkdException("unknown architecture '" + name + "'; known: " + String.join(", ", NAMES)
        + " (check the name or add the plugin that provides it)");
  }
}
