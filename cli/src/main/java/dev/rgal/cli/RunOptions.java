package dev.rgal.cli;

import dev.rgal.api.DfkdException;
import dev.rgal.api.RunSpec;
import dev.rgal.kernel.plugin.PluginHost;
import dev.rgal.kernel.run.DistillRequest;
import dev.rgal.kernel.run.DistillResult;
import dev.rgal.kernel.run.Distiller;
import dev.rgal.kernel.run.RunDirectory;
import dev.rgal.kernel.run.RunInputs;
import dev.rgal.toolkit.spec.RunSpecJson;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * The options every command that starts a run shares ({@code distill}, {@code quantize}), and how
 * such a run is started or resumed: the spec from the preset or from the run directory, the
 * inputs checked before a tracked run exists, then the run inside it.
 */
final class RunOptions {
  @Option(names = "--teacher", paramLabel = "DIR", description = "Teacher directory (from 'rgal teacher').")
  @Nullable Path teacher;

  @Option(names = "--preset", paramLabel = "NAME", description = "Named preset (default: the method's default preset).")
  @Nullable String preset;

  @Option(names = "--epochs", description = "Epochs (overrides the preset).")
  @Nullable Integer epochs;

  @Option(names = "--seed", description = "Run seed (overrides the preset).")
  @Nullable Long seed;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override any spec field, e.g. --set synthesisTerms.adv.weight=0.5 --set schedule.kdStepsPerEpoch=50.")
  Map<String, String> overrides = new LinkedHashMap<>();

  @Option(names = "--test-data", paramLabel = "DIR", description = "Real test data to evaluate the trained model after each epoch.")
  @Nullable Path testData;

  @Option(names = "--out", paramLabel = "DIR", description = "Run directory to create.")
  @Nullable Path out;

  @Option(names = "--resume", paramLabel = "DIR", description = "Continue a killed run from its last completed epoch.")
  @Nullable Path resume;

  @Option(names = "--print-spec", description = "Print the resolved spec as JSON and exit.")
  boolean printSpec;

  private @Nullable String resumeRunId;

  /** The teacher directory, required by every run. */
  Path teacher(String command) {
    if (teacher == null) {
      throw new DfkdException(command + " needs --teacher DIR" + (resume != null ? " (the same teacher the run started with)" : ""));
    }
    return teacher;
  }

  /**
   * The spec a {@code --resume} directory recorded; the run goes back to the tracking store it
   * recorded unless the user names another.
   */
  RunSpec resumedSpec(TrackingOptions tracking) {
    Path dir = java.util.Objects.requireNonNull(resume);
    var recorded = RunDirectory.tracking(dir);
    resumeRunId = recorded.map(RunDirectory.Tracking::runId).orElse(null);
    recorded.ifPresent(t -> tracking.defaultTrackingUri(t.trackingUri()));
    return RunDirectory.spec(dir);
  }

  /** Prints {@code spec} when {@code --print-spec} was given; true if it did (the command then stops). */
  boolean printed(RunSpec spec, PrintWriter pw) {
    if (printSpec) {
      pw.println(RunSpecJson.toJsonString(spec));
      pw.flush();
    }
    return printSpec;
  }

  /** Checks the inputs, then runs (or resumes) {@code spec} in a tracked run of {@code experiment}. */
  DistillResult launch(PluginHost host, CommonOptions common, TrackingOptions tracking, String experiment,
      RunSpec spec, String runName) {
    Path teacherDir = java.util.Objects.requireNonNull(teacher);
    Path runDir = resume != null ? resume : java.util.Objects.requireNonNull(out);
    DistillRequest untracked = new DistillRequest(teacherDir, spec, testData, runDir, resume != null, null);
    RunInputs.check(host, untracked); // before a tracked run exists: a typo leaves no FAILED run
    return tracking.tracked(host, experiment, runName, Map.of("run.dir", runDir.toAbsolutePath().toString()),
        resumeRunId, run -> new Distiller(host, new ConsoleProgress(common.quiet, System.out))
            .run(DistillRequest.builder(teacherDir, untracked.spec(), runDir).testData(testData)
                .resume(untracked.resume()).tracked(run).build(), e -> {}));
  }
}
