package dev.rgal.api;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import dev.rgal.api.model.FeatureNet;
import dev.rgal.api.tracking.TrackedRun;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link RunObserver} is shown at the end of a run.
 *
 * @param student the trained student (parameters in their final state; owned by the engine)
 * @param data the teacher's data description: shape, classes, normalisation, dataset name
 * @param testDataDir directory of the real test split the run evaluated on, or null for none
 * @param spec the run's resolved spec
 * @param runDir the run directory ({@code spec.json}, {@code student.params}, {@code summary.json})
 * @param tracked the tracked run (still open), or null when the run is not tracked
 */
@API(status = STABLE, since = "0.1")
public record RunOutcome(
    FeatureNet student, DataSpec data, @Nullable Path testDataDir, RunSpec spec, Path runDir,
    @Nullable TrackedRun tracked) {}
