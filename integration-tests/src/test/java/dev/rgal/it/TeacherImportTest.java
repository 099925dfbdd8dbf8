package dev.rgal.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.rgal.api.Bindings.Registry;
import dev.rgal.api.model.ArchitectureFactory;
import dev.rgal.toolkit.data.Datasets;
import dev.rgal.toolkit.data.ImageDataset;
import dev.rgal.toolkit.data.Normalization;
import dev.rgal.kernel.plugin.PluginHost;
import dev.rgal.toolkit.teacher.LoadedTeacher;
import dev.rgal.toolkit.teacher.TeacherStore;
import dev.rgal.toolkit.zoo.NetWeights;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rgal teacher import}: a state dict written the way PyTorch writes one (reference names,
 * {@code num_batches_tracked} included, no rgal metadata), by DJL's own safetensors and npz
 * encoders rather than rgal's, imports into a teacher whose predictions equal the original's.
 * Missing, extra and mis-shaped tensors are refused with one line naming the tensor.
 */
class TeacherImportTest {
  @TempDir Path tmp;
  private static PluginHost host;
  private static NDManager manager;
  private static LoadedTeacher original;

  @BeforeAll
  static void load() throws Exception {
    host = PluginHost.discover();
    manager = NDManager.newBaseManager();
    original = TeacherStore.load(TinyTeacher.get(), archs(), manager);
  }

  @AfterAll
  static void close() {
    original.net().close();
    manager.close();
    host.close();
  }

  private static Map<String, ArchitectureFactory> archs() {
    return host.registry(Registry.ARCHITECTURES, ArchitectureFactory.class);
  }

  /** The original teacher's state dict as PyTorch has it: every BN layer also has num_batches_tracked. */
  private static Map<String, NDArray> stateDict(NDManager m) {
    Map<String, NDArray> sd = new LinkedHashMap<>();
    for (Map.Entry<String, Parameter> e : NetWeights.namedParameters(original.net()).entrySet()) {
      NDArray copy = e.getValue().getArray().duplicate();
      copy.attach(m);
      sd.put(e.getKey(), copy);
      if (e.getKey().endsWith(".running_var")) {
        String prefix = e.getKey().substring(0, e.getKey().length() - "running_var".length());
        sd.put(prefix + "num_batches_tracked", m.create(235L));
      }
    }
    return sd;
  }

  private Path export(String file, NDList.Encoding encoding, Consumer<Map<String, NDArray>> edit) throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      Map<String, NDArray> sd = stateDict(m);
      edit.accept(sd);
      NDList list = new NDList();
      sd.forEach((name, a) -> {
        a.setName(name);
        list.add(a);
      });
      Path p = tmp.resolve(file);
      Files.write(p, list.encode(encoding));
      return p;
    }
  }

  /** Max |logits difference| between the original and the imported teacher on 200 real test images. */
  private double logitGap(Path importedDir) {
    ImageDataset test = Datasets.open("fashion-mnist", Datasets.FASHION_MNIST_DIR, Datasets.Split.TEST);
    try (NDManager m = manager.newSubManager()) {
      LoadedTeacher imported = TeacherStore.load(importedDir, archs(), m);
      int[] idx = new int[200];
      for (int i = 0; i < idx.length; i++) {
        idx[i] = i * 50;
      }
      NDArray x = Normalization.of(original.metadata().dataSpec()).apply(test.batch(m, idx).get(0));
      NDArray a = original.net().forward(x, false).logits();
      NDArray b = imported.net().forward(x, false).logits();
      assertTrue(a.argMax(1).eq(b.argMax(1)).all().getBoolean(), "same predictions");
      double gap = a.sub(b).abs().max().getFloat();
      imported.net().close();
      return gap;
    }
  }

  @Test
  void safetensorsFromPyTorchImportsWithTheSamePredictions() throws Exception {
    Path file = export("lenet5_bn.safetensors", NDList.Encoding.SAFETENSORS, sd -> {});
    Cli.Result r = Cli.run(tmp, "teacher", "import", "--arch", "lenet5-bn", "--weights", file.toString(),
        "--out", "imported", "--test-data", Datasets.FASHION_MNIST_DIR.toString());
    assertEquals(0, r.exit(), r.err());
    double accuracy = TeacherStore.readMetadata(tmp.resolve("imported")).testAccuracy();
    assertEquals(original.metadata().testAccuracy(), accuracy, 1e-9, "same weights, same test accuracy");
    assertTrue(r.out().contains(String.format(java.util.Locale.ROOT, "test accuracy %.2f%%", 100 * accuracy)), r.out());
    assertEquals(0.0, logitGap(tmp.resolve("imported")), 1e-5);
  }

  @Test
  void npzImportsToo() throws Exception {
    Path file = export("lenet5_bn.npz", NDList.Encoding.NPZ, sd -> {});
    Cli.Result r = Cli.run(tmp, "teacher", "import", "--arch", "lenet5-bn", "--weights", file.toString(),
        "--out", "from-npz", "--classes", "10", "--channels", "1");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("test accuracy not measured"), r.out());
    assertTrue(Double.isNaN(TeacherStore.readMetadata(tmp.resolve("from-npz")).testAccuracy()));
    assertEquals(0.0, logitGap(tmp.resolve("from-npz")), 1e-5);
  }

  @Test
  void missingExtraAndMisShapedTensorsAreNamed() throws Exception {
    Path missing = export("missing.safetensors", NDList.Encoding.SAFETENSORS, sd -> sd.remove("fc.2.bias"));
    assertRefused(missing, "has no tensor 'fc.2.bias'");
    Path extra = export("extra.safetensors", NDList.Encoding.SAFETENSORS,
        sd -> sd.put("fc.3.weight", sd.get("fc.2.weight").duplicate()));
    assertRefused(extra, "has tensor 'fc.3.weight' that the lenet5-bn net lacks");
    Path shape = export("shape.npz", NDList.Encoding.NPZ,
        sd -> sd.put("features.0.weight", sd.get("features.0.weight").getManager().zeros(new Shape(6, 1, 3, 3))));
    assertRefused(shape, "has 'features.0.weight' with shape (6, 1, 3, 3) but the lenet5-bn net expects (6, 1, 5, 5)");
    Path ints = export("ints.npz", NDList.Encoding.NPZ,
        sd -> sd.put("fc.2.bias", sd.get("fc.2.bias").toType(DataType.INT32, false)));
    assertRefused(ints, "stores 'fc.2.bias' as int32");
  }

  @Test
  void trainingStillNeedsOut() throws Exception {
    Cli.Result r = Cli.run(tmp, "teacher", "--epochs", "1", "--no-tracking");
    assertEquals(2, r.exit(), r.out() + r.err());
    assertTrue(r.err().contains("Missing required option: '--out=DIR'"), r.err());
    Cli.Result help = Cli.run(tmp, "help", "teacher");
    assertTrue(help.out().contains("import") && help.out().contains("--epochs"), help.out());
  }

  private void assertRefused(Path file, String expected) throws Exception {
    Cli.Result r = Cli.run(tmp, "teacher", "import", "--arch", "lenet5-bn", "--weights", file.toString(), "--out", "bad");
    assertEquals(1, r.exit(), r.out() + r.err());
    assertTrue(r.err().contains(expected) && r.err().contains(file.toString()), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(Files.notExists(tmp.resolve("bad")), "nothing written");
  }
}
