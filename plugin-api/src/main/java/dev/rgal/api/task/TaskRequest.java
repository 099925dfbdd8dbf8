package dev.rgal.api.task;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import ai.djl.ndarray.NDManager;
import dev.rgal.api.DataSpec;
import dev.rgal.api.model.FeatureNet;
import dev.rgal.api.options.OptionValues;
import org.apiguardian.api.API;

/**
 * What a task factory gets.
 *
 * @param options the task's own options, validated against its declaration
 * @param seed the run seed
 * @param studentArchitecture the spec's student architecture name (a task that copies the teacher
 *     may ignore it)
 * @param teacher the frozen teacher; a task never writes to it
 * @param teacherWeightsSha256 SHA-256 of the teacher's weights file, for the result's provenance
 * @param data the data the teacher was trained on
 * @param manager the run's long-lived manager
 */
@API(status = EXPERIMENTAL, since = "0.2")
public record TaskRequest(OptionValues options, long seed, String studentArchitecture, FeatureNet teacher,
    String teacherWeightsSha256, DataSpec data, NDManager manager) {}
