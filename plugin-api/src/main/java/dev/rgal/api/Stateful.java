package dev.rgal.api;

import java.io.DataInputStream;
import java.io.DataOutputStream;

/**
 * A component whose state must survive a resume (a meta-generator, a memory bank, optimiser
 * momentum). The engine calls {@link #saveState} after each completed epoch and
 * {@link #loadState} once before resuming; the default is stateless. Implementations throw
 * {@link java.io.UncheckedIOException} on I/O failure.
 */
public interface Stateful {
  default void saveState(DataOutputStream out) {}

  default void loadState(DataInputStream in) {}
}
