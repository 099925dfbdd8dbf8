package dev.rgal.api;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import java.io.DataInputStream;
import java.io.DataOutputStream;

/**
 * A component whose state must survive a resume (a meta-generator, a memory bank, optimiser
 * momentum). The engine calls {@link #saveState} after each completed epoch and
 * {@link #loadState} once before resuming; the default is stateless. Implementations throw
 * {@link java.io.UncheckedIOException} on I/O failure.
 */
@API(status = STABLE, since = "0.1")
public interface Stateful {
  default void saveState(DataOutputStream out) {}

  default void loadState(DataInputStream in) {}
}
