package dev.rgal.engine.run;

import dev.rgal.api.RunSpec;
import dev.rgal.api.tracking.TrackedRun;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * The inputs of one distillation run.
 *
 * @param teacherDir teacher directory ({@code teacher.json} + weights)
 * @param spec the resolved run spec
 * @param testDataDir real test data for evaluation after each epoch, or null for none
 * @param outDir run directory (student weights, pool, checkpoints, sample grids)
 * @param resume continue the run in {@code outDir} from its last completed epoch
 * @param tracked the tracked run to log to, or null for no tracking
 */
public record DistillRequest(
    Path teacherDir, RunSpec spec, @Nullable Path testDataDir, Path outDir, boolean resume,
    @Nullable TrackedRun tracked) {}
