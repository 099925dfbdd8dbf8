package dev.rgal.kernel.run;

import dev.rgal.toolkit.metrics.RunMetrics;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import dev.rgal.api.DfkdException;
import dev.rgal.api.RunSpec;
import dev.rgal.api.Stateful;
import dev.rgal.api.model.FeatureNet;
import dev.rgal.toolkit.spec.RunSpecJson;
import dev.rgal.toolkit.zoo.NetWeights;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The per-epoch checkpoint of a run: loop state, student weights and every component's
 * {@link Stateful} state. It is written to {@code checkpoint.tmp} and swapped in by renames, so a
 * run killed at any moment leaves either the previous or the new checkpoint, never a mix.
 */
public final class Checkpoint {
  static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().setPrettyPrinting().create();

  private Checkpoint() {}

  /** Loop state after a completed epoch. */
  public record State(
      int completedEpochs, int calls, int poolSize, double best, int bestEpoch,
      double synthesisMillis, double kdMillis, List<EpochReport> history) {
    public State {
      history = List.copyOf(history);
    }
  }

  static void write(Path out, State state, FeatureNet student, List<Stateful> components) {
    Path tmp = out.resolve("checkpoint.tmp");
    Path cur = out.resolve("checkpoint");
    Path old = out.resolve("checkpoint.old");
    try {
      deleteTree(tmp);
      Files.createDirectories(tmp);
      NetWeights.save(student, tmp.resolve("student.params"));
      try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(tmp.resolve("components.bin")));
          DataOutputStream out2 = new DataOutputStream(os)) {
        out2.writeInt(components.size());
        for (Stateful s : components) {
          ByteArrayOutputStream bytes = new ByteArrayOutputStream();
          s.saveState(new DataOutputStream(bytes));
          out2.writeInt(bytes.size());
          bytes.writeTo(out2);
        }
      }
      Files.writeString(tmp.resolve("state.json"), GSON.toJson(state));
      deleteTree(old);
      if (Files.exists(cur)) {
        move(cur, old);
      }
      move(tmp, cur);
      deleteTree(old);
    } catch (IOException e) {
      throw new DfkdException("cannot write the checkpoint in " + out + " (" + e.getMessage() + "): free disk space or choose another --out");
    }
  }

  private static Path current(Path out) {
    Path cur = out.resolve("checkpoint");
    if (Files.isDirectory(cur)) {
      return cur;
    }
    Path old = out.resolve("checkpoint.old");
    if (Files.isDirectory(old)) {
      return old; // killed between the two renames
    }
    throw new DfkdException("no completed epoch to resume in " + out + ": start the run again without --resume");
  }

  static State read(Path out) {
    if (!Files.isDirectory(out)) {
      throw new DfkdException("run directory " + out + " does not exist: pass the --out directory of the run to resume");
    }
    Path dir = current(out);
    try {
      return GSON.fromJson(Files.readString(dir.resolve("state.json")), State.class);
    } catch (IOException | JsonParseException e) {
      throw new DfkdException("the checkpoint in " + dir + " is unreadable (" + e.getMessage() + "): start the run again");
    }
  }

  static void restoreComponents(Path out, FeatureNet student, List<Stateful> components) {
    Path dir = current(out);
    NetWeights.load(student, dir.resolve("student.params"));
    try (InputStream is = new BufferedInputStream(Files.newInputStream(dir.resolve("components.bin")));
        DataInputStream in = new DataInputStream(is)) {
      int n = in.readInt();
      if (n != components.size()) {
        throw new DfkdException("the checkpoint holds " + n + " component states but the run has "
            + components.size() + " components: resume with the same plugins and spec");
      }
      for (Stateful s : components) {
        byte[] bytes = in.readNBytes(in.readInt());
        s.loadState(new DataInputStream(new ByteArrayInputStream(bytes)));
      }
    } catch (IOException e) {
      throw new DfkdException("the checkpoint in " + dir + " is unreadable (" + e.getMessage() + "): start the run again");
    }
  }

  static String summaryJson(DistillResult r, RunSpec spec, RunEnvironment environment) {
    JsonObject o = new JsonObject();
    o.addProperty(RunMetrics.Summary.METHOD, spec.method());
    o.addProperty(RunMetrics.Summary.SEED, spec.seed());
    o.addProperty(RunMetrics.Summary.TEACHER_ACCURACY, r.teacherAccuracy());
    o.addProperty(RunMetrics.Summary.LAST_ACCURACY, r.lastAccuracy());
    o.addProperty(RunMetrics.Summary.BEST_ACCURACY, r.bestAccuracy());
    o.addProperty(RunMetrics.Summary.BEST_EPOCH, r.bestEpoch());
    o.addProperty(RunMetrics.Summary.SYNTHESIS_MINUTES, r.synthesisMinutes());
    o.addProperty(RunMetrics.Summary.KD_MINUTES, r.kdMinutes());
    o.addProperty(RunMetrics.Summary.IMAGES_SYNTHESIZED, r.imagesSynthesized());
    if (r.runId() != null) {
      o.addProperty(RunMetrics.Summary.RUN_ID, r.runId());
    }
    if (!r.taskMetrics().isEmpty()) {
      JsonObject task = new JsonObject();
      task.addProperty("name", spec.task().name());
      task.addProperty(RunMetrics.Summary.MODEL, r.outDir().relativize(r.studentWeights()).toString());
      r.taskMetrics().forEach(task::addProperty);
      o.add(RunMetrics.Summary.TASK, task);
    }
    o.add(RunMetrics.Summary.SPEC, RunSpecJson.toJson(spec));
    JsonObject env = new JsonObject();
    environment.asTags().forEach(env::addProperty);
    o.add(RunMetrics.Summary.ENVIRONMENT, env);
    return GSON.toJson(o);
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  static void deleteTree(Path p) throws IOException {
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
