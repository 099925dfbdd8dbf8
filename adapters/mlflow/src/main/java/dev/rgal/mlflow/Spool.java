package dev.rgal.mlflow;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The on-disk queue of one run's undelivered calls: {@code run.json} (which run, where its
 * artifacts go), {@code journal.jsonl} (one {@link Op} per line, append only),
 * {@code delivered} (how many leading lines the server already has) and {@code files/}
 * (copies of artifacts, so the caller may delete its file right after logging it).
 *
 * <p>Kept so that a process that dies while the server is away loses nothing: the next tracker
 * against the same server delivers leftovers ({@link MlflowServerTracker}).
 */
final class Spool {
  private static final Gson GSON = new Gson();

  private final Path dir;
  // Held while this process owns the spool, so another process never replays it concurrently.
  private final FileChannel lockChannel;
  private int delivered;
  private int written;

  private Spool(Path dir, FileChannel lockChannel, int delivered, int written) {
    this.dir = dir;
    this.lockChannel = lockChannel;
    this.delivered = delivered;
    this.written = written;
  }

  /** Locks {@code dir/lock}; null when another process (or this one) already holds it. */
  private static @Nullable FileChannel lock(Path dir) throws IOException {
    FileChannel ch = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE);
    try {
      if (ch.tryLock() != null) {
        return ch;
      }
    } catch (OverlappingFileLockException e) {
      // held by this JVM
    }
    ch.close();
    return null;
  }

  /** Where spools of a local store live: a sibling folder, see {@link #rootFor(Path)}. */
  static Path rootFor(Path localStore) {
    // A sibling of the local store (mlflow.db -> mlflow.db.spool), never inside a store folder:
    // MLflow's file store treats every folder of its root as an experiment id.
    Path abs = localStore.toAbsolutePath().normalize();
    Path name = abs.getFileName();
    return abs.resolveSibling((name == null ? "mlruns" : name.toString()) + ".spool");
  }

  /** Starts a spool for a run, writing its identity. */
  static Spool create(Path root, String runId, JsonObject identity) {
    Path dir = root.resolve(runId);
    try {
      Files.createDirectories(dir.resolve("files"));
      FileChannel ch = lock(dir);
      if (ch == null) {
        throw new IOException("spool " + dir + " is in use by another process");
      }
      Files.writeString(dir.resolve("run.json"), GSON.toJson(identity), StandardCharsets.UTF_8);
      Files.deleteIfExists(dir.resolve("journal.jsonl"));
      Files.deleteIfExists(dir.resolve("delivered"));
      return new Spool(dir, ch, 0, 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Spools left on disk by earlier processes (each with its identity and open entries). */
  static List<Leftover> leftovers(Path root) {
    List<Leftover> out = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return out;
    }
    List<Path> dirs;
    try (Stream<Path> list = Files.list(root)) {
      dirs = list.sorted(Comparator.comparing(Path::toString)).toList();
    } catch (IOException e) {
      return out;
    }
    for (Path d : dirs) {
      Path journal = d.resolve("journal.jsonl");
      Path id = d.resolve("run.json");
      if (!Files.isRegularFile(journal) || !Files.isRegularFile(id)) {
        continue;
      }
      FileChannel ch = null;
      try {
        ch = lock(d);
        if (ch == null) {
          continue; // a live run owns it
        }
        List<String> lines = Files.readAllLines(journal, StandardCharsets.UTF_8);
        int done = readDelivered(d);
        List<Op> ops = new ArrayList<>();
        for (int i = Math.min(done, lines.size()); i < lines.size(); i++) {
          String line = lines.get(i);
          if (line.isBlank()) {
            continue;
          }
          try {
            ops.add(Op.fromJson(JsonParser.parseString(line).getAsJsonObject()));
          } catch (RuntimeException e) {
            if (i < lines.size() - 1) {
              throw e;
            }
            // A last line cut short by a crash: that call never returned, drop it.
          }
        }
        JsonObject identity = JsonParser.parseString(Files.readString(id)).getAsJsonObject();
        out.add(new Leftover(new Spool(d, ch, done, lines.size()), identity, ops));
      } catch (IOException | RuntimeException e) {
        // A damaged spool must not stop tracking; it stays on disk for a person to look at.
        closeQuietly(ch);
      }
    }
    return out;
  }

  /** A spool found on disk. */
  record Leftover(Spool spool, JsonObject identity, List<Op> ops) {}

  Path dir() {
    return dir;
  }

  /** Appends an entry; artifacts are copied in first and the returned op points at the copy. */
  Op append(Op op) {
    try {
      Op stored = op;
      if (op instanceof Op.Artifact a && !Path.of(a.file()).startsWith(dir)) {
        Path copy = dir.resolve("files").resolve(written + "-" + a.name());
        Files.copy(Path.of(a.file()), copy, StandardCopyOption.REPLACE_EXISTING);
        stored = new Op.Artifact(copy.toString(), a.dir(), a.name());
      }
      Files.writeString(dir.resolve("journal.jsonl"), GSON.toJson(stored.toJson()) + "\n",
          StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      written++;
      return stored;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Records that the oldest open entry reached the server. */
  void markDelivered() {
    delivered++;
    try {
      Files.writeString(dir.resolve("delivered"), Integer.toString(delivered));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Gives the spool up, keeping it on disk for a later process. */
  void release() {
    closeQuietly(lockChannel);
  }

  private static void closeQuietly(@Nullable FileChannel ch) {
    try {
      if (ch != null) {
        ch.close();
      }
    } catch (IOException e) {
      // nothing to do
    }
  }

  /** Removes the spool once everything is delivered. */
  void delete() {
    release();
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // Left behind; harmless, its entries are all marked delivered.
    }
  }

  private static int readDelivered(Path d) throws IOException {
    Path f = d.resolve("delivered");
    return Files.isRegularFile(f) ? Integer.parseInt(Files.readString(f).strip()) : 0;
  }
}
