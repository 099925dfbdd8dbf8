package dev.rgal.testkit;

import dev.rgal.api.RunSpec;
import dev.rgal.api.tracking.TrackedRun;
import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A short distillation for {@link PluginHarness#distill(RunRequest)}: evaluated on the real
 * Fashion-MNIST test images unless {@link #withoutTestData()}, untracked unless {@link #tracked}.
 *
 * @param teacherDir a teacher directory (e.g. {@link TinyTeacher#lenet5bn()})
 * @param spec the spec to run (e.g. from {@link PluginHarness#spec})
 * @param runDir the run directory to create; it must not exist yet
 * @param testDataDir the test images' directory, or null to skip evaluation (faster)
 * @param tracked a run opened on a tracker, which the caller finishes and closes, or null
 */
public record RunRequest(Path teacherDir, RunSpec spec, Path runDir, @Nullable Path testDataDir,
    @Nullable TrackedRun tracked) {
  public RunRequest {
    Objects.requireNonNull(teacherDir, "teacherDir");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(runDir, "runDir");
  }

  /** Evaluated on the real Fashion-MNIST test split, untracked. */
  public static RunRequest of(Path teacherDir, RunSpec spec, Path runDir) {
    return new RunRequest(teacherDir, spec, runDir, FashionMnist.DIR, null);
  }

  /** The same run without evaluation: accuracies are NaN. */
  public RunRequest withoutTestData() {
    return new RunRequest(teacherDir, spec, runDir, null, tracked);
  }

  /** The same run logged to {@code run}. */
  public RunRequest tracked(TrackedRun run) {
    return new RunRequest(teacherDir, spec, runDir, testDataDir, run);
  }
}
