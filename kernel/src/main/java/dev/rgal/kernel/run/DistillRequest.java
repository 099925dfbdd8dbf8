package dev.rgal.kernel.run;

import dev.rgal.api.RunSpec;
import dev.rgal.api.tracking.TrackedRun;
import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The inputs of one distillation run. Build one with {@link #of} (no test data, no tracking),
 * {@link #builder} (everything optional named), or the canonical constructor.
 *
 * <pre>{@code
 * DistillRequest req = DistillRequest.builder(teacherDir, spec, outDir)
 *     .testData(Path.of("/usr/share/datasets/fashion-mnist"))
 *     .build();
 * }</pre>
 *
 * @param teacherDir teacher directory ({@code teacher.json} + weights)
 * @param spec the resolved run spec (ignored when resuming: the run's own {@code spec.json} is used)
 * @param testDataDir real test data for evaluation after each epoch, or null for none
 * @param outDir run directory (student weights, pool, checkpoints, sample grids)
 * @param resume continue the run in {@code outDir} from its last completed epoch
 * @param tracked the tracked run to log to, or null for no tracking; the caller opens, finishes
 *     and closes it (see {@link Distiller#tracker})
 */
public record DistillRequest(
    Path teacherDir, RunSpec spec, @Nullable Path testDataDir, Path outDir, boolean resume,
    @Nullable TrackedRun tracked) {

  public DistillRequest {
    Objects.requireNonNull(teacherDir, "teacherDir");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(outDir, "outDir");
  }

  /** A fresh run without test data and without tracking. */
  public static DistillRequest of(Path teacherDir, RunSpec spec, Path outDir) {
    return new DistillRequest(teacherDir, spec, null, outDir, false, null);
  }

  /** A builder with the required inputs; test data, tracking and resume are optional. */
  public static Builder builder(Path teacherDir, RunSpec spec, Path outDir) {
    return new Builder(teacherDir, spec, outDir);
  }

  /** Fluent builder of a {@link DistillRequest}; defaults: no test data, fresh run, untracked. */
  public static final class Builder {
    private final Path teacherDir;
    private final RunSpec spec;
    private final Path outDir;
    private @Nullable Path testDataDir;
    private boolean resume;
    private @Nullable TrackedRun tracked;

    private Builder(Path teacherDir, RunSpec spec, Path outDir) {
      this.teacherDir = teacherDir;
      this.spec = spec;
      this.outDir = outDir;
    }

    /** Real test data (the dataset's directory) to evaluate the student on after each epoch. */
    public Builder testData(@Nullable Path dir) {
      testDataDir = dir;
      return this;
    }

    /** Continue the run already in the output directory. */
    public Builder resume(boolean value) {
      resume = value;
      return this;
    }

    /** Log params, metrics and artifacts to this open run. */
    public Builder tracked(@Nullable TrackedRun run) {
      tracked = run;
      return this;
    }

    public DistillRequest build() {
      return new DistillRequest(teacherDir, spec, testDataDir, outDir, resume, tracked);
    }
  }
}
