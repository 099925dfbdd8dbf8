package dev.rgal.api.training;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import dev.rgal.api.Stateful;

/**
 * Trains the student for one epoch from the pool: KD plus the weighted {@link StudentTerm}s, with
 * the terms' extra blocks in the same optimiser. Its optimiser and schedule state is
 * {@link Stateful} so a resumed run continues exactly.
 */
@API(status = STABLE, since = "0.1")
public interface StudentTrainer extends Stateful, AutoCloseable {
  TrainingSummary trainEpoch(StudentContext context);

  @Override
  default void close() {}
}
