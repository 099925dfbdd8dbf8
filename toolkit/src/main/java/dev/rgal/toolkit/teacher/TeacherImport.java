package dev.rgal.toolkit.teacher;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.rgal.api.DataSpec;
import dev.rgal.api.DfkdException;
import dev.rgal.api.model.ArchitectureFactory;
import dev.rgal.api.model.FeatureNet;
import dev.rgal.toolkit.data.Datasets;
import dev.rgal.toolkit.data.ImageDataset;
import dev.rgal.toolkit.zoo.NetWeights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Turns a PyTorch state dict into a teacher directory. The file holds the reference module's
 * {@code state_dict()} under its own names (docs/teachers.md lists the few lines of Python that
 * export one), as safetensors or as a NumPy {@code .npz}. Every tensor the architecture needs must
 * be present with its exact shape, and nothing else may be (apart from BatchNorm's
 * {@code num_batches_tracked}); the first violation fails with a one-line {@link DfkdException}
 * naming the tensor. The teacher is then written with {@link TeacherStore#write}, its test accuracy
 * measured on the test split when test data is given (NaN otherwise).
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class TeacherImport {
  private TeacherImport() {}

  /**
   * What to import.
   *
   * @param architecture zoo name of the network the weights belong to, e.g. {@code resnet34}
   * @param weights a {@code .safetensors} or {@code .npz} state dict
   * @param outDir teacher directory to write
   * @param dataset the dataset the teacher was trained on (shape, normalisation, classes)
   * @param numClasses classes of the teacher's output, or null for the dataset's
   * @param channels input channels, or null for the dataset's (must equal them)
   * @param testData the dataset's directory to measure test accuracy, or null to skip it
   * @param overwrite replace a teacher already in {@code outDir}
   */
  public record Request(
      String architecture, Path weights, Path outDir, String dataset, @Nullable Integer numClasses,
      @Nullable Integer channels, @Nullable Path testData, boolean overwrite) {}

  /** Imports the weights and writes the teacher directory; returns the metadata written. */
  public static TeacherMetadata run(Request r, Map<String, ArchitectureFactory> architectures) {
    if (!Files.isRegularFile(r.weights())) {
      throw new DfkdException("weights file " + r.weights() + " does not exist: pass the file written by "
          + "safetensors.torch.save_file or numpy.savez");
    }
    DataSpec base = Datasets.dataSpec(r.dataset());
    if (r.channels() != null && r.channels() != base.channels()) {
      throw new DfkdException("--channels " + r.channels() + " does not match " + r.dataset() + ", whose images have "
          + base.channels() + " channel(s): pass the dataset the teacher was trained on");
    }
    int classes = r.numClasses() == null ? base.numClasses() : r.numClasses();
    if (classes < 1) {
      throw new DfkdException("--classes must be positive, got " + classes);
    }
    DataSpec data = new DataSpec(base.dataset(), base.channels(), base.height(), base.width(), classes,
        base.mean(), base.std());
    ArchitectureFactory factory = architectures.get(r.architecture());
    if (factory == null) {
      throw new DfkdException("unknown architecture '" + r.architecture() + "'; known: "
          + String.join(", ", new TreeSet<>(architectures.keySet())) + " (see docs/teachers.md for the PyTorch names)");
    }
    try (NDManager manager = NDManager.newBaseManager()) {
      FeatureNet net = factory.create(manager, data.channels(), data.height(), data.width(), classes);
      try {
        if (isNpz(r.weights())) {
          loadNpz(net, r.weights(), r.architecture(), manager);
        } else {
          NetWeights.load(net, r.weights());
        }
        double accuracy = Double.NaN;
        if (r.testData() != null) {
          ImageDataset test = Datasets.open(data.dataset(), r.testData(), Datasets.Split.TEST);
          accuracy = Evaluation.accuracy(net, test, data, manager);
        }
        Map<String, String> recipe = new LinkedHashMap<>();
        recipe.put("source", "imported");
        recipe.put("importedFrom", r.weights().toAbsolutePath().toString());
        recipe.put("importedSha256", TeacherStore.sha256(r.weights()));
        TeacherMetadata meta = new TeacherMetadata(r.architecture(), data.dataset(), data.channels(), data.height(),
            data.width(), classes, data.mean(), data.std(), accuracy, -1, TeacherStore.WEIGHTS, "", recipe);
        return TeacherStore.write(r.outDir(), net, meta, r.overwrite());
      } finally {
        net.close();
      }
    }
  }

  private static boolean isNpz(Path file) {
    if (file.getFileName().toString().endsWith(".npz")) {
      return true;
    }
    try (var in = Files.newInputStream(file)) {
      byte[] magic = in.readNBytes(2);
      return magic.length == 2 && magic[0] == 'P' && magic[1] == 'K';
    } catch (IOException e) {
      throw new DfkdException("cannot read weights file " + file + " (" + e.getMessage() + "): check its permissions");
    }
  }

  /** Checks every name and shape of an {@code .npz} state dict, then copies the values in place. */
  private static void loadNpz(FeatureNet net, Path file, String architecture, NDManager parent) {
    try (NDManager m = parent.newSubManager()) {
      NDList list;
      try {
        list = NDList.decode(m, Files.readAllBytes(file));
      } catch (IOException | RuntimeException e) {
        throw new DfkdException("weights file " + file + " is not a readable .npz (" + e.getMessage()
            + "): write it with numpy.savez(path, **state_dict_as_numpy)");
      }
      Map<String, NDArray> tensors = new LinkedHashMap<>();
      for (NDArray a : list) {
        String name = a.getName();
        if (name == null) {
          throw new DfkdException("weights file " + file + " has an unnamed array: save it with numpy.savez(path, **arrays)");
        }
        tensors.put(name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name, a);
      }
      Map<String, Parameter> params = NetWeights.namedParameters(net);
      for (Map.Entry<String, Parameter> e : params.entrySet()) {
        NDArray a = tensors.get(e.getKey());
        Shape want = e.getValue().getShape();
        if (a == null) {
          throw new DfkdException("weights file " + file + " has no tensor '" + e.getKey() + "' that the "
              + architecture + " net needs: it was saved from another architecture");
        }
        if (!a.getShape().equals(want)) {
          throw new DfkdException("weights file " + file + " has '" + e.getKey() + "' with shape " + a.getShape()
              + " but the " + architecture + " net expects " + want
              + ": pass --classes/--dataset matching the weights, or the architecture they belong to");
        }
        if (!a.getDataType().isFloating()) {
          throw new DfkdException("weights file " + file + " stores '" + e.getKey() + "' as " + a.getDataType()
              + ": export floating-point tensors");
        }
      }
      for (String name : tensors.keySet()) {
        if (!params.containsKey(name) && !name.endsWith("num_batches_tracked")) {
          throw new DfkdException("weights file " + file + " has tensor '" + name + "' that the " + architecture
              + " net lacks: it was saved from another architecture");
        }
      }
      for (Map.Entry<String, Parameter> e : params.entrySet()) {
        NDArray target = e.getValue().getArray();
        tensors.get(e.getKey()).toType(DataType.FLOAT32, false).copyTo(target);
      }
    }
  }
}
