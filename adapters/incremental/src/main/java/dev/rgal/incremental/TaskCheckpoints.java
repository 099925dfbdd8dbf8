package dev.rgal.incremental;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.rgal.api.DfkdException;
import dev.rgal.toolkit.io.AtomicFiles;
import dev.rgal.toolkit.state.ArrayState;
import dev.rgal.toolkit.train.Adam;
import dev.rgal.toolkit.zoo.NamedWeights;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Epoch-level checkpoints inside a task, so a killed run resumes at the last completed epoch of
 * the task it was in, not at the task's start. Each training loop (by label, e.g. "task 3 phase A")
 * saves after every epoch: completed epochs, every array of the model (BN running statistics
 * included), the loop's extra weights (e.g. RKD projections) and the optimiser. An inversion
 * method saves its generator and optimiser after inverting, so a resume does not invert again.
 * Loop files live in {@code <out>/task-<t>.partial/}, written atomically; the runner deletes the
 * folder once {@code task-<t>/} is complete. Generators are kept as {@code generator-task-<t>.ckpt}:
 * ABD's next task warm-starts from the last one, also after a resume.
 */
@API(status = EXPERIMENTAL, since = "0.2")
public final class TaskCheckpoints {
  static final String REPLAY_POOL = "replay-pool.ckpt";
  private final Path out;
  private final int task;
  private final Path dir;
  private final NDManager scratch;

  TaskCheckpoints(Path out, int task, NDManager scratch) {
    this.out = out;
    this.task = task;
    this.dir = folder(out, task);
    this.scratch = scratch;
  }

  /** The checkpoint folder of task t. */
  static Path folder(Path out, int t) {
    return out.resolve("task-" + t + ".partial");
  }

  /**
   * Restores the loop {@code label}: model arrays, extra weights and optimiser as saved.
   *
   * @return the epochs that loop had completed, 0 when it has no checkpoint
   */
  public int restore(String label, NamedWeights model, List<NDArray> extra, Adam adam) {
    Path f = file(label);
    if (!Files.isRegularFile(f)) {
      return 0;
    }
    try (DataInputStream in = open(f)) {
      int epochs = in.readInt();
      ArrayState.readInto(in, scratch, arrays(model));
      ArrayState.readInto(in, scratch, extra);
      adam.loadState(in);
      return epochs;
    } catch (IOException | RuntimeException e) {
      throw new DfkdException("the checkpoint " + f + " cannot be read (" + e.getMessage()
          + "): delete it to retrain that task from its start");
    }
  }

  /** Saves the loop {@code label} after {@code completedEpochs} epochs. */
  public void save(String label, int completedEpochs, NamedWeights model, List<NDArray> extra, Adam adam) {
    write(file(label), out -> {
      out.writeInt(completedEpochs);
      ArrayState.write(out, arrays(model));
      ArrayState.write(out, extra);
      adam.saveState(out);
    });
  }

  /**
   * Restores the generator task {@code t} saved after its inversion ({@link #saveGenerator}).
   *
   * @return false when task t saved none
   */
  public boolean restoreGenerator(int t, NamedWeights generator, Adam adam) {
    Path f = generatorFile(out, t);
    if (!Files.isRegularFile(f)) {
      return false;
    }
    try (DataInputStream in = open(f)) {
      ArrayState.readInto(in, scratch, arrays(generator));
      adam.loadState(in);
      return true;
    } catch (IOException | RuntimeException e) {
      throw new DfkdException("the generator checkpoint " + f + " cannot be read (" + e.getMessage()
          + "): delete it to invert again");
    }
  }

  /** Saves this task's generator and its optimiser after the inversion. */
  public void saveGenerator(NamedWeights generator, Adam adam) {
    write(generatorFile(out, task), out -> {
      ArrayState.write(out, arrays(generator));
      adam.saveState(out);
    });
  }

  /** Saves this task's replay pool (a toolkit synthesizer's images, {@link ReplayPool}). */
  void saveReplayPool(NDArray images) {
    write(dir.resolve(REPLAY_POOL), out -> ArrayState.write(out, List.of(images)));
  }

  /** This task's saved replay pool, in {@code manager}, or null when none was saved. */
  @Nullable NDArray restoreReplayPool(NDManager manager) {
    Path f = dir.resolve(REPLAY_POOL);
    if (!Files.isRegularFile(f)) {
      return null;
    }
    try (DataInputStream in = open(f)) {
      return ArrayState.read(in, manager).singletonOrThrow();
    } catch (IOException | RuntimeException e) {
      throw new DfkdException("the replay pool " + f + " cannot be read (" + e.getMessage()
          + "): delete it to synthesise it again");
    }
  }

  static Path generatorFile(Path out, int t) {
    return out.resolve("generator-task-" + t + ".ckpt");
  }

  private Path file(String label) {
    return dir.resolve(label.replaceAll("[^A-Za-z0-9]+", "-") + ".ckpt");
  }

  private static List<NDArray> arrays(NamedWeights w) {
    List<NDArray> out = new ArrayList<>();
    for (Parameter p : w.stateDict().values()) {
      out.add(p.getArray());
    }
    return out;
  }

  @FunctionalInterface
  private interface Body {
    void write(DataOutputStream out) throws IOException;
  }

  private void write(Path f, Body body) {
    try {
      Files.createDirectories(f.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    AtomicFiles.writeVia(f, AtomicFiles.Existing.REPLACE, tmp -> {
      try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
        body.write(out);
      }
    });
  }

  private static DataInputStream open(Path f) throws IOException {
    InputStream in = Files.newInputStream(f);
    return new DataInputStream(new BufferedInputStream(in));
  }
}
