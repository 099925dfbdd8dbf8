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
 * Tribuo's protobuf form of a {@link DfkdTribuoModel} ({@code serializeToFile},
 * {@code Model.deserializeFromFile}): a {@code ModelProto} whose data is an {@code Any} holding
 * Tribuo's {@code ModelDataProto} (name, provenance, domains) as field 1 and the model's own fields
 * (architecture, geometry, normalisation, label names, weight bytes) as fields 2-13, and the net format (field 14) when the
   * bytes are a whole network rather than zoo weights.
 */
final class ProtoForm {
  static final String TYPE_URL = "type.googleapis.com/dev.rgal.tribuo.DfkdTribuoModelData";

  private ProtoForm() {}

  /**
   * Tribuo's protobuf form ({@code serializeToFile}, {@code Model.deserializeFromFile}): a
   * {@code ModelProto} whose data is an {@code Any} holding Tribuo's {@code ModelDataProto} (name,
   * provenance, domains) as field 1 and this model's own fields (architecture, geometry,
   * normalisation, label names, weight bytes) as fields 2-13, and the net format (field 14) when the
   * bytes are a whole network rather than zoo weights.
   */
  static ModelProto serialize(DfkdTribuoModel m) {
    try {
      ByteString.Output buf = ByteString.newOutput();
      CodedOutputStream o = CodedOutputStream.newInstance(buf);
      o.writeMessage(1, m.dataCarrier().serialize());
      o.writeString(2, m.architecture);
      o.writeInt32(3, m.channels);
      o.writeInt32(4, m.height);
      o.writeInt32(5, m.width);
      o.writeInt32(6, m.netHeight);
      o.writeInt32(7, m.netWidth);
      for (double v : m.mean) {
        o.writeDouble(8, v);
      }
      for (double v : m.std) {
        o.writeDouble(9, v);
      }
      o.writeDouble(10, m.pixelScale);
      o.writeString(11, m.featureFormat);
      for (String l : m.labelNames) {
        o.writeString(12, l);
      }
      o.writeByteArray(13, m.weights);
      if (m.netFormat != null) {
        o.writeString(14, m.netFormat);
      }
      o.flush();
      Any data = Any.newBuilder().setTypeUrl(TYPE_URL).setValue(buf.toByteString()).build();
      return ModelProto.newBuilder().setVersion(DfkdTribuoModel.CURRENT_VERSION).setClassName(DfkdTribuoModel.class.getName())
          .setSerializedData(data).build();
    } catch (IOException e) {
      throw new IllegalStateException("in-memory protobuf write failed", e);
    }
  }

  static DfkdTribuoModel deserialize(int version, String className, Any message)
      throws InvalidProtocolBufferException {
    if (version < 0 || version > DfkdTribuoModel.CURRENT_VERSION) {
      throw new IllegalArgumentException("unknown DfkdTribuoModel proto version " + version + " (this build reads up to "
          + DfkdTribuoModel.CURRENT_VERSION + ")");
    }
    if (!TYPE_URL.equals(message.getTypeUrl())) {
      throw new InvalidProtocolBufferException("not DfkdTribuoModel data: " + message.getTypeUrl());
    }
    try {
      CodedInputStream in = message.getValue().newCodedInput();
      ModelDataProto carrierProto = null;
      String arch = null;
      String format = null;
      int[] dims = new int[5];
      List<Double> mean = new ArrayList<>();
      List<Double> std = new ArrayList<>();
      List<String> labels = new ArrayList<>();
      double scale = 1;
      byte[] weights = null;
      String netFormat = null;
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        switch (tag >>> 3) {
          case 1 -> carrierProto = ModelDataProto.parseFrom(in.readBytes());
          case 2 -> arch = in.readString();
          case 3, 4, 5, 6, 7 -> dims[(tag >>> 3) - 3] = in.readInt32();
          case 8 -> mean.add(in.readDouble());
          case 9 -> std.add(in.readDouble());
          case 10 -> scale = in.readDouble();
          case 11 -> format = in.readString();
          case 12 -> labels.add(in.readString());
          case 13 -> weights = in.readByteArray();
          case 14 -> netFormat = in.readString();
          default -> in.skipField(tag);
        }
      }
      if (carrierProto == null || arch == null || format == null || weights == null || labels.isEmpty()) {
        throw new InvalidProtocolBufferException("incomplete DfkdTribuoModel data");
      }
      ModelDataCarrier<?> carrier = ModelDataCarrier.deserialize(carrierProto);
      DfkdTribuoModel.Geometry g = new DfkdTribuoModel.Geometry(arch, dims[0], dims[1], dims[2], dims[3], dims[4], TribuoModelFactory.toArray(mean), TribuoModelFactory.toArray(std), scale, format);
      DfkdTribuoModel m = DfkdTribuoModel.create(carrier.name(), g, labels, weights, carrier.provenance(), netFormat);
      if (!m.getFeatureIDMap().equals(carrier.featureDomain())) {
        throw new InvalidProtocolBufferException("the feature domain does not match the model's pixel features");
      }
      return m;
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (IOException e) {
      throw new InvalidProtocolBufferException(e);
    }
  }
}
