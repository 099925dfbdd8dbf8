package dev.rgal.api;

import ai.djl.ndarray.NDManager;
import dev.rgal.api.model.NetInfo;

/**
 * What a factory gets when the engine builds a component for a run.
 *
 * @param settings the component's own settings from the spec
 * @param spec the whole run spec (read-only context)
 * @param teacher the teacher's shape information
 * @param student the student's shape information
 * @param data the data the teacher was trained on
 * @param manager the run's long-lived manager; a component that holds arrays attaches them here
 *     or to a sub-manager it closes itself
 */
public record ComponentRequest(
    Settings settings, RunSpec spec, NetInfo teacher, NetInfo student, DataSpec data,
    NDManager manager) {}
