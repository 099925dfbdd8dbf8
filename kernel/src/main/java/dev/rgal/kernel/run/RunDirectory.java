package dev.rgal.kernel.run;

import dev.rgal.toolkit.io.AtomicFiles;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.rgal.api.DfkdException;
import dev.rgal.api.RunSpec;
import dev.rgal.api.tracking.TrackedRun;
import dev.rgal.toolkit.spec.RunSpecJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What a run directory says about itself before any model is loaded: its spec
 * ({@code spec.json}) and where it was tracked ({@code tracking.json}: the store's tracking URI
 * and the run id, written atomically when the run starts or resumes), so that
 * {@code --resume DIR} needs nothing else.
 */
public final class RunDirectory {
  static final String SPEC = "spec.json";
  static final String TRACKING = "tracking.json";

  /**
   * Where a run was tracked.
   *
   * @param trackingUri the store, as {@link TrackedRun#trackingUri()} named it
   * @param runId the run's id in that store
   */
  public record Tracking(String trackingUri, String runId) {}

  private RunDirectory() {}

  /**
   * The spec of the run in {@code dir}.
   *
   * @throws DfkdException when {@code dir} is not a run directory or its spec is unreadable
   */
  public static RunSpec spec(Path dir) {
    Path spec = dir.resolve(SPEC);
    if (!Files.isRegularFile(spec)) {
      throw new DfkdException(dir + " is not a run directory (it has no " + SPEC
          + "): pass the --out directory of an earlier 'rgal distill'");
    }
    try {
      return RunSpecJson.parse(Files.readString(spec), "the run's " + SPEC);
    } catch (IOException e) {
      throw new DfkdException("cannot read " + spec + " (" + e.getMessage()
          + "): the run directory is incomplete; start a new run");
    }
  }

  /** Where the run in {@code dir} was tracked; empty for an untracked run. */
  public static Optional<Tracking> tracking(Path dir) {
    Path file = dir.resolve(TRACKING);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      JsonObject o = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
      return Optional.of(new Tracking(o.get("trackingUri").getAsString(), o.get("runId").getAsString()));
    } catch (IOException | JsonParseException | IllegalStateException | NullPointerException
        | UnsupportedOperationException e) {
      throw new DfkdException("cannot read " + file + " (" + e.getMessage() + "); delete it to"
          + " resume the run as a new tracked run");
    }
  }

  /** Records (atomically) that the run in {@code dir} is tracked as {@code run}. */
  static void recordTracking(Path dir, TrackedRun run) {
    JsonObject o = new JsonObject();
    o.addProperty("trackingUri", run.trackingUri());
    o.addProperty("runId", run.runId());
    AtomicFiles.writeString(dir.resolve(TRACKING), o.toString() + "\n", AtomicFiles.Existing.REPLACE);
  }
}
