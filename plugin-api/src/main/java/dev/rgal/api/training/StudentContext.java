package dev.rgal.api.training;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import ai.djl.ndarray.NDManager;
import dev.rgal.api.WeightedTerm;
import dev.rgal.api.model.FeatureNet;
import java.util.List;
import java.util.Random;

/**
 * One epoch of student training.
 *
 * @param teacher frozen teacher (eval mode)
 * @param student the student (train mode while training)
 * @param pool where batches come from
 * @param terms weighted student terms to add on top of KD
 * @param epoch 0-based KD epoch
 * @param epochs total KD epochs (for the schedule)
 * @param steps optimiser steps to take this epoch ({@code schedule.kdStepsPerEpoch})
 * @param manager scope of this epoch; the trainer opens a sub-scope per step
 * @param random this epoch's random source
 */
@API(status = STABLE, since = "0.1")
public record StudentContext(
    FeatureNet teacher, FeatureNet student, DataPool pool, List<WeightedTerm<StudentTerm>> terms,
    int epoch, int epochs, int steps, NDManager manager, Random random) {
  public StudentContext {
    terms = List.copyOf(terms);
  }
}
