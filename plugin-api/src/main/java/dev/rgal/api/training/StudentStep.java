package dev.rgal.api.training;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import ai.djl.ndarray.NDArray;
import dev.rgal.api.model.Features;

/**
 * One KD step as the student's loss terms see it.
 *
 * @param images the normalised batch both networks saw
 * @param teacher teacher features (eval mode, no gradient)
 * @param student student features (train mode, with gradient)
 * @param paired whether rows i and i + N/2 are two views of the same pool image
 * @param epoch 0-based KD epoch
 * @param step 0-based step within the epoch
 */
@API(status = STABLE, since = "0.1")
public record StudentStep(
    NDArray images, Features teacher, Features student, boolean paired, int epoch, int step) {}
