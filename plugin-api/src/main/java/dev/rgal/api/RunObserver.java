package dev.rgal.api;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * Sees a distillation run once it has finished successfully: after the student weights,
 * {@code summary.json} and the tracked final metrics are written, before the tracked run is
 * closed. Observers add things (extra metrics, artifacts, exports); they cannot change the run.
 * Bind one with {@code Bindings.observers(binder()).addBinding("name").toInstance(...)}.
 *
 * <p>Contract: every bound observer is called once per finished run, in name order; a failing
 * observer does not fail the run (the engine reports the failure as a tag
 * {@code observer.<name>.error} and on standard error). The student in the outcome is closed by the
 * engine after the call, so an observer must not keep it.
 */
@FunctionalInterface
@API(status = STABLE, since = "0.1")
public interface RunObserver {
  void runFinished(RunOutcome outcome);
}
