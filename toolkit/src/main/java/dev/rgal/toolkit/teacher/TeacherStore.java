package dev.rgal.toolkit.teacher;

import dev.rgal.toolkit.io.AtomicFiles;
import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import dev.rgal.api.DfkdException;
import dev.rgal.api.model.ArchitectureFactory;
import dev.rgal.api.model.FeatureNet;
import dev.rgal.toolkit.zoo.NetWeights;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The teacher directory: {@code teacher.json} ({@link TeacherMetadata}) next to the weights file.
 * Writing goes to a hidden temporary directory that is renamed into place, so an interrupted
 * write never leaves a directory that looks like a teacher. Loading verifies the weights'
 * SHA-256 against the metadata.
 */
@API(status = STABLE, since = "0.1")
public final class TeacherStore {
  public static final String METADATA = "teacher.json";
  public static final String WEIGHTS = "weights.params";
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

  private TeacherStore() {}

  /**
   * Writes a teacher directory. {@code metadata}'s weight file name and checksum are filled in here.
   *
   * @param overwrite replace an existing teacher in {@code dir}; otherwise that is an error
   * @return the metadata as written
   */
  public static TeacherMetadata write(Path dir, FeatureNet net, TeacherMetadata metadata, boolean overwrite) {
    Path target = dir.toAbsolutePath().normalize();
    if (Files.exists(target.resolve(METADATA)) && !overwrite) {
      throw new DfkdException(dir + " already holds a teacher: pass --force to replace it or choose another --out");
    }
    if (Files.exists(target) && !Files.isDirectory(target)) {
      throw new DfkdException(dir + " is a file, not a directory: choose another --out");
    }
    TeacherMetadata[] done = new TeacherMetadata[1];
    AtomicFiles.writeVia(target, AtomicFiles.Existing.REPLACE, tmp -> {
      Files.createDirectories(tmp);
      NetWeights.save(net, tmp.resolve(WEIGHTS));
      done[0] = new TeacherMetadata(metadata.architecture(), metadata.dataset(),
          metadata.channels(), metadata.height(), metadata.width(), metadata.numClasses(), metadata.mean(),
          metadata.std(), metadata.testAccuracy(), metadata.seed(), WEIGHTS, sha256(tmp.resolve(WEIGHTS)),
          metadata.recipe());
      Files.writeString(tmp.resolve(METADATA), GSON.toJson(done[0]));
    });
    return done[0];
  }

  /** Reads a teacher directory's metadata without loading weights. */
  public static TeacherMetadata readMetadata(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new DfkdException("teacher directory " + dir + " does not exist: train one with 'rgal teacher --out "
          + dir + "' or import one with 'rgal teacher import'");
    }
    Path meta = dir.resolve(METADATA);
    if (!Files.isRegularFile(meta)) {
      throw new DfkdException(dir + " is not a teacher directory (no " + METADATA
          + "): pass the --out directory of 'rgal teacher' or 'rgal teacher import'");
    }
    try {
      TeacherMetadata m = GSON.fromJson(Files.readString(meta), TeacherMetadata.class);
      if (m == null || m.architecture() == null || m.weightsFile() == null) {
        throw new JsonParseException("missing fields");
      }
      return m;
    } catch (IOException | JsonParseException | IllegalArgumentException | NullPointerException e) {
      throw new DfkdException(meta + " is not valid teacher metadata: retrain or re-import the teacher");
    }
  }

  /**
   * Loads a teacher: metadata, checksum, architecture from the registry, weights; the network's
   * parameters are frozen.
   */
  public static LoadedTeacher load(Path dir, Map<String, ArchitectureFactory> architectures, NDManager manager) {
    TeacherMetadata m = readMetadata(dir);
    Path weights = dir.resolve(m.weightsFile());
    if (!Files.isRegularFile(weights)) {
      throw new DfkdException("teacher weights " + weights + " are missing: retrain or re-import the teacher");
    }
    String sum = sha256(weights);
    if (!sum.equals(m.weightsSha256())) {
      throw new DfkdException("teacher weights " + weights + " do not match the checksum in " + METADATA
          + " (corrupt or replaced): retrain or re-import the teacher");
    }
    ArchitectureFactory f = architectures.get(m.architecture());
    if (f == null) {
      throw new DfkdException("the teacher's architecture '" + m.architecture() + "' is unknown; known: "
          + String.join(", ", new java.util.TreeSet<>(architectures.keySet())) + " (add the plugin that provides it)");
    }
    FeatureNet net = f.create(manager, m.channels(), m.height(), m.width(), m.numClasses());
    try {
      NetWeights.load(net, weights);
    } catch (RuntimeException e) {
      net.close();
      throw e;
    }
    net.block().freezeParameters(true);
    return new LoadedTeacher(net, m);
  }

  /** Hex SHA-256 of a file. */
  public static String sha256(Path file) {
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      byte[] buf = new byte[1 << 16];
      while (in.read(buf) >= 0) {
        // digesting
      }
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new DfkdException("cannot read " + file + ": " + e.getMessage());
    }
  }

  private static void quietlyDelete(Path p) {
    try {
      deleteTree(p);
    } catch (IOException ignored) {
      // best effort: a hidden .tmp directory is all that can remain
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
