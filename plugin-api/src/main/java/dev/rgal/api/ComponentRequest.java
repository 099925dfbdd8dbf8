package dev.rgal.api;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import ai.djl.ndarray.NDManager;
import dev.rgal.api.model.NetInfo;
import dev.rgal.api.options.OptionValues;

/**
 * What a factory gets when the engine builds a component for a run. A component sees its own
 * validated options and the run's seed, never the whole {@link RunSpec}: what it depends on is
 * declared, so a typo or a value another component owns cannot leak in.
 *
 * @param options the component's own options, validated against what its factory declares
 * @param seed the run seed, for components that draw their own random numbers
 * @param teacher the teacher's shape information
 * @param student the student's shape information
 * @param data the data the teacher was trained on
 * @param manager the run's long-lived manager; a component that holds arrays attaches them here
 *     or to a sub-manager it closes itself
 */
@API(status = STABLE, since = "0.1")
public record ComponentRequest(
    OptionValues options, long seed, NetInfo teacher, NetInfo student, DataSpec data,
    NDManager manager) {
  /** The same request for another component (its own options). */
  public ComponentRequest withOptions(OptionValues other) {
    return new ComponentRequest(other, seed, teacher, student, data, manager);
  }
}
