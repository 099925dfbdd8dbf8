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
 * The Java-serialisation file form of a {@link DfkdTribuoModel} (what {@code rgal export} writes):
 * written atomically and never over an existing file; read back with a one-line error for
 * anything that is not such a model.
 */
final class JavaSerialForm {
  private JavaSerialForm() {}

  /** Reads a model written by {@link #save(Path)} (Java serialisation). */
  static DfkdTribuoModel load(Path file) {
    try (InputStream in = Files.newInputStream(file); ObjectInputStream ois = new ObjectInputStream(in)) {
      Object o = ois.readObject();
      if (!(o instanceof DfkdTribuoModel m)) {
        throw new DfkdException(file + " holds a " + o.getClass().getName() + ", not an rgal Tribuo model: export it with 'rgal export'");
      }
      return m;
    } catch (NoSuchFileException e) {
      throw new DfkdException(file + " does not exist: check the path");
    } catch (IOException | ClassNotFoundException e) {
      throw new DfkdException(file + " is not a readable rgal Tribuo model (" + e + "): export it again with 'rgal export'");
    }
  }

  /**
   * Writes the model with Java serialisation to a temporary name next to {@code file} and renames
   * it; refuses to replace an existing file.
   */
  static void save(DfkdTribuoModel model, Path file) {
    Path abs = file.toAbsolutePath();
    if (Files.exists(abs)) {
      throw new DfkdException(file + " already exists: choose another --out or delete it first");
    }
    AtomicFiles.write(abs, AtomicFiles.Existing.REFUSE, os -> {
      ObjectOutputStream oos = new ObjectOutputStream(os);
      oos.writeObject(model);
      oos.flush();
    });
  }
}
