package dev.rgal.api.training;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import java.util.Map;

/**
 * What one epoch of student training did.
 *
 * @param steps optimiser steps taken
 * @param learningRate learning rate used in this epoch
 * @param meanLosses mean weighted value of each loss ({@code kd}, each term, {@code total})
 */
@API(status = STABLE, since = "0.1")
public record TrainingSummary(int steps, double learningRate, Map<String, Double> meanLosses) {
  public TrainingSummary {
    meanLosses = Map.copyOf(meanLosses);
  }
}
