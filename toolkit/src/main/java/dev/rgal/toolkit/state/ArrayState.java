package dev.rgal.toolkit.state;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import dev.rgal.toolkit.graph.NoGrad;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Arrays in a component's resumable state ({@link dev.rgal.api.Stateful}): a length-prefixed DJL
 * encoding, and an in-place restore for arrays an optimiser already holds.
 */
@API(status = STABLE, since = "0.1")
public final class ArrayState {
  private ArrayState() {}

  /** Writes the arrays (none is fine) with a length prefix. */
  public static void write(DataOutputStream out, List<NDArray> arrays) {
    try {
      byte[] bytes = arrays.isEmpty() ? new byte[0] : new NDList(arrays).encode();
      out.writeInt(bytes.length);
      out.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads what {@link #write} wrote, into {@code manager}; an empty list when none were written. */
  public static NDList read(DataInputStream in, NDManager manager) {
    try {
      int n = in.readInt();
      return n == 0 ? new NDList() : NDList.decode(manager, in.readNBytes(n));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads saved arrays and copies them into {@code targets} in place (their identity matters: an
   * optimiser holds them); the decoded copies are freed.
   */
  public static void readInto(DataInputStream in, NDManager scratchParent, List<NDArray> targets) {
    try (NDManager tmp = scratchParent.newSubManager()) {
      NDList saved = read(in, tmp);
      if (saved.size() != targets.size()) {
        throw new IllegalStateException("saved state has " + saved.size() + " arrays, the run has " + targets.size());
      }
      NoGrad.run(() -> {
        for (int i = 0; i < targets.size(); i++) {
          saved.get(i).copyTo(targets.get(i));
        }
      });
    }
  }
}
