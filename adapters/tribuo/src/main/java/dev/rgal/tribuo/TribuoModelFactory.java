package dev.rgal.tribuo;

import dev.rgal.toolkit.metrics.RunMetrics;
import dev.rgal.toolkit.io.AtomicFiles;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance;
import com.oracle.labs.mlrg.olcut.util.Pair;
import dev.rgal.api.DataSpec;
import dev.rgal.api.DfkdException;
import dev.rgal.api.RunSpec;
import dev.rgal.api.model.FeatureNet;
import dev.rgal.toolkit.data.Normalization;
import dev.rgal.toolkit.spec.RunSpecJson;
import dev.rgal.toolkit.teacher.TeacherMetadata;
import dev.rgal.toolkit.teacher.TeacherRecipe;
import dev.rgal.toolkit.zoo.NetFormat;
import dev.rgal.toolkit.teacher.TeacherStore;
import dev.rgal.toolkit.zoo.NetWeights;
import dev.rgal.toolkit.zoo.Zoo;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serial;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import org.jspecify.annotations.Nullable;
import org.tribuo.impl.ModelDataCarrier;
import org.tribuo.protos.core.ModelDataProto;
import org.tribuo.protos.core.ModelProto;
import org.tribuo.Example;
import org.tribuo.Excuse;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.RealInfo;
import org.tribuo.VariableInfo;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.provenance.DatasetProvenance;
import org.tribuo.provenance.ModelProvenance;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.provenance.TrainerProvenance;
import org.tribuo.provenance.impl.TrainerProvenanceImpl;

/**
 * Builds {@link DfkdTribuoModel}s from what rgal writes: a teacher directory, a distillation run
 * directory (its {@code spec.json}, {@code summary.json} and student weights), or a live network;
 * each model gets its Tribuo provenance here.
 */
final class TribuoModelFactory {
  private TribuoModelFactory() {}


  static DfkdTribuoModel fromTeacher(Path teacherDir) {
    TeacherMetadata m = TeacherStore.readMetadata(teacherDir);
    byte[] bytes = readWeights(teacherDir.resolve(m.weightsFile()));
    String sum = sha256(bytes);
    if (!sum.equals(m.weightsSha256())) {
      throw new DfkdException("teacher weights " + teacherDir.resolve(m.weightsFile()) + " do not match the checksum in "
          + TeacherStore.METADATA + ": retrain or re-import the teacher");
    }
    DataSpec spec = m.dataSpec();
    DfkdTeacherTrainer trainer = DfkdTeacherTrainer.describing(m.architecture(), m.dataset(), recipeOf(m.recipe()),
        spec.channels(), spec.height(), spec.width(), 1.0);
    Map<String, Provenance> inst = new LinkedHashMap<>();
    put(inst, "kind", "teacher");
    put(inst, "source", teacherDir.toAbsolutePath().normalize().toString());
    put(inst, "teacher.architecture", m.architecture());
    put(inst, "teacher.dataset", m.dataset());
    put(inst, "teacher.sha256", m.weightsSha256());
    put(inst, "teacher.testAccuracy", String.valueOf(m.testAccuracy()));
    put(inst, "teacher.seed", String.valueOf(m.seed()));
    new TreeMap<>(m.recipe()).forEach((k, v) -> put(inst, "recipe." + k, v));
    ModelProvenance prov = new ModelProvenance(DfkdTribuoModel.class.getName(), OffsetDateTime.now(),
        datasetProvenance(m.dataset() + " training split (per teacher.json; images not seen by this export)"),
        new TrainerProvenanceImpl(trainer), inst);
    return checked(DfkdTribuoModel.create("rgal-teacher-" + m.architecture(), DfkdTribuoModel.Geometry.of(spec, m.architecture()),
        digits(spec.numClasses()), bytes, prov), "the teacher " + teacherDir);
  }

  static DfkdTribuoModel fromRun(Path runDir, Path teacherDir, Map<String, String> pluginVersions) {
    Path specFile = runDir.resolve("spec.json");
    Path student = runDir.resolve("student.params");
    if (!Files.isDirectory(runDir) || !Files.isRegularFile(specFile) || !Files.isRegularFile(student)) {
      throw new DfkdException(runDir + " is not a finished distillation run (no spec.json and student.params): pass "
          + "the --out directory of a completed 'rgal distill'");
    }
    RunSpec spec;
    try {
      spec = RunSpecJson.parse(Files.readString(specFile), specFile.toString());
    } catch (IOException e) {
      throw new DfkdException("cannot read " + specFile + " (" + e.getMessage() + "): check its permissions");
    }
    TeacherMetadata t = TeacherStore.readMetadata(teacherDir);
    String recorded = NetWeights.architectureOf(student);
    if (recorded != null && !recorded.equals(spec.studentArch())) {
      throw new DfkdException(student + " holds a " + recorded + " but spec.json says the student is "
          + spec.studentArch() + ": the run directory is inconsistent; rerun the distillation");
    }
    byte[] bytes = readWeights(student);
    Map<String, Provenance> inst = new LinkedHashMap<>();
    put(inst, "kind", "student");
    put(inst, "source", runDir.toAbsolutePath().normalize().toString());
    put(inst, "method", spec.method());
    put(inst, "seed", String.valueOf(spec.seed()));
    put(inst, "student.architecture", spec.studentArch());
    put(inst, "student.sha256", sha256(bytes));
    put(inst, "teacher.architecture", t.architecture());
    put(inst, "teacher.dataset", t.dataset());
    put(inst, "teacher.sha256", t.weightsSha256());
    put(inst, "teacher.testAccuracy", String.valueOf(t.testAccuracy()));
    RunSpec.Schedule s = spec.schedule();
    put(inst, RunMetrics.DATA_BUDGET_IMAGES, String.valueOf(RunMetrics.dataBudget(s)));
    RunSpecJson.flatten(spec).forEach((k, v) -> put(inst, "spec." + k, v));
    new TreeMap<>(pluginVersions).forEach((k, v) -> put(inst, "plugin." + k, v));
    Path summary = runDir.resolve(RunMetrics.Summary.FILE);
    if (Files.isRegularFile(summary)) {
      try {
        com.google.gson.JsonObject o = com.google.gson.JsonParser.parseString(Files.readString(summary)).getAsJsonObject();
        for (String k : List.of(RunMetrics.Summary.LAST_ACCURACY, RunMetrics.Summary.BEST_ACCURACY,
            RunMetrics.Summary.BEST_EPOCH, RunMetrics.Summary.TEACHER_ACCURACY, RunMetrics.Summary.IMAGES_SYNTHESIZED)) {
          if (o.has(k)) {
            put(inst, "summary." + k, o.get(k).getAsString());
          }
        }
        if (o.has(RunMetrics.Summary.ENVIRONMENT)) { // where the run ran (Tribuo's own fields describe the exporting JVM)
          o.getAsJsonObject(RunMetrics.Summary.ENVIRONMENT).entrySet().forEach(e -> put(inst, "run." + e.getKey(), e.getValue().getAsString()));
        }
      } catch (IOException | RuntimeException e) {
        throw new DfkdException(summary + " is unreadable (" + e.getMessage() + "): the run directory is damaged");
      }
    }
    DataSpec data = t.dataSpec();
    ModelProvenance prov = new ModelProvenance(DfkdTribuoModel.class.getName(), OffsetDateTime.now(),
        datasetProvenance("data-free: " + spec.method() + " synthesised images from the teacher " + t.weightsSha256()),
        new TrainerProvenanceImpl(new DfkdDistillationTrainer(spec, t.weightsSha256())), inst);
    return checked(DfkdTribuoModel.create("rgal-student-" + spec.method() + "-" + spec.studentArch(), DfkdTribuoModel.Geometry.of(data, spec.studentArch()),
        digits(data.numClasses()), bytes, prov), "the student of " + runDir + " with the teacher " + teacherDir);
  }

  /**
   * Builds the network once so that weights that do not fit the architecture, channel or class
   * count fail now (e.g. a run exported with another run's teacher) rather than at the first
   * prediction.
   */
  private static DfkdTribuoModel checked(DfkdTribuoModel model, String what) {
    try {
      model.network();
      return model;
    } catch (DfkdException e) {
      throw new DfkdException("cannot export " + what + ": " + e.getMessage());
    } finally {
      model.close();
    }
  }

  static DfkdTribuoModel fromNet(FeatureNet net, DataSpec data, Map<String, String> instance) {
    byte[] bytes = weightsOf(net);
    Map<String, Provenance> inst = new LinkedHashMap<>();
    put(inst, "kind", "network");
    put(inst, "weights.sha256", sha256(bytes));
    instance.forEach((k, v) -> put(inst, k, v));
    ModelProvenance prov = new ModelProvenance(DfkdTribuoModel.class.getName(), OffsetDateTime.now(),
        datasetProvenance("unknown"), new TrainerProvenanceImpl(DfkdTeacherTrainer.describing(
            net.info().architecture(), data.dataset(), TeacherRecipe.fashionMnistDefault().withEpochs(0),
            data.channels(), data.height(), data.width(), 1.0)), inst);
    return DfkdTribuoModel.create("rgal-" + net.info().architecture(), DfkdTribuoModel.Geometry.of(data, net.info().architecture()),
        digits(data.numClasses()), bytes, prov);
  }


  static DfkdTribuoModel fromNetFile(String format, Path file, DataSpec data, String architecture, Map<String, String> instance) {
    if (NetFormat.find(format).isEmpty()) {
      throw new DfkdException("no installed plugin reads the net format '" + format + "': add the plugin that writes it");
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new DfkdException("cannot read " + file + " (" + e.getMessage() + "): pass a readable model file");
    }
    Map<String, Provenance> inst = new LinkedHashMap<>();
    put(inst, "kind", "network-file");
    put(inst, "netFormat", format);
    put(inst, "source", file.toAbsolutePath().toString());
    put(inst, "file.sha256", sha256(bytes));
    instance.forEach((k, v) -> put(inst, k, v));
    ModelProvenance prov = new ModelProvenance(DfkdTribuoModel.class.getName(), OffsetDateTime.now(),
        datasetProvenance("unknown"), new TrainerProvenanceImpl(DfkdTeacherTrainer.describing(
            architecture, data.dataset(), TeacherRecipe.fashionMnistDefault().withEpochs(0),
            data.channels(), data.height(), data.width(), 1.0)), inst);
    return DfkdTribuoModel.create("rgal-" + format + "-" + architecture, DfkdTribuoModel.Geometry.of(data, architecture),
        digits(data.numClasses()), bytes, prov, format);
  }

  static TeacherRecipe recipeOf(Map<String, String> r) {
    TeacherRecipe d = TeacherRecipe.fashionMnistDefault();
    try {
      return new TeacherRecipe(r.getOrDefault("optimizer", d.optimizer()),
          Double.parseDouble(r.getOrDefault("lr", String.valueOf(d.lr()))),
          Double.parseDouble(r.getOrDefault("weightDecay", String.valueOf(d.weightDecay()))),
          r.getOrDefault("schedule", d.schedule()),
          Integer.parseInt(r.getOrDefault("epochs", "0")),
          Integer.parseInt(r.getOrDefault("batchSize", String.valueOf(d.batchSize()))),
          Integer.parseInt(r.getOrDefault("cropPadding", String.valueOf(d.cropPadding()))),
          Boolean.parseBoolean(r.getOrDefault("flip", String.valueOf(d.flip()))),
          Long.parseLong(r.getOrDefault("seed", "-1")));
    } catch (NumberFormatException e) {
      throw new DfkdException("the teacher's recipe in " + TeacherStore.METADATA + " has a malformed number ("
          + e.getMessage() + "): retrain or re-import the teacher");
    }
  }

  static DatasetProvenance datasetProvenance(String description) {
    LabelFactory f = new LabelFactory();
    MutableDataset<Label> empty = new MutableDataset<>(new SimpleDataSourceProvenance(description, f), f);
    return empty.getProvenance();
  }

  static List<String> digits(int k) {
    List<String> l = new ArrayList<>(k);
    for (int i = 0; i < k; i++) {
      l.add(String.valueOf(i));
    }
    return l;
  }

  static void put(Map<String, Provenance> m, String key, String value) {
    m.put(key, new StringProvenance(key, value));
  }

  static byte[] weightsOf(FeatureNet net) {
    try {
      Path tmp = Files.createTempFile("rgal-tribuo-", ".params");
      try {
        NetWeights.save(net, tmp);
        return Files.readAllBytes(tmp);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new DfkdException("cannot stage weights in the temp directory (" + e.getMessage()
          + "): set java.io.tmpdir to a writable directory");
    }
  }

  private static byte[] readWeights(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new DfkdException("weights file " + file + " is missing: the directory is incomplete");
    } catch (IOException e) {
      throw new DfkdException("cannot read " + file + " (" + e.getMessage() + "): check its permissions");
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static double[] toArray(List<Double> l) {
    double[] a = new double[l.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = l.get(i);
    }
    return a;
  }
}
