package dev.rgal.toolkit.graph;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Arithmetic with a constant that is safe inside an autograd graph. Use these instead of DJL's
 * {@code mul/div/maximum/minimum/pow(Number)} on any array that a backward pass will go through.
 *
 * <p>Why: DJL 0.29 (PyTorch engine) turns the number into a tensor that is a view of a Java
 * direct buffer ({@code torch::from_blob}, no copy) and closes that tensor right after the op.
 * These ops save the operand for the backward pass, but the buffer is only kept alive by the
 * closed Java object: once the JVM collects it, the backward reads freed memory. With a GC
 * between forward and backward, {@code x.mul(3f)} gave a gradient of −2·10²⁹ instead of 3 (see
 * {@code GraphScalarsTest}). The same holds for any array made by {@code NDManager.create(...)}
 * from Java data: keep it open until after the backward pass. The constants made here are
 * allocated by PyTorch, so the reference the graph saves keeps them alive.
 */
@API(status = STABLE, since = "0.1")
public final class GraphScalars {
  private GraphScalars() {}

  /** A 0-dimensional constant with {@code like}'s type, in its manager, owned by PyTorch. */
  public static NDArray constant(NDArray like, double value) {
    // zeros() is allocated by PyTorch; the in-place add writes the value (its own temporary
    // scalar is not saved by anything, since this array needs no gradient)
    return like.getManager().zeros(new Shape(), like.getDataType()).addi(value);
  }

  /**
   * A PyTorch-allocated copy of an array made from Java data ({@code NDManager.create(float[])}
   * and the like), in the same manager; the Java-backed original is closed. Use it for arrays that
   * enter a graph, so their lifetime is the graph's, not the Java object's.
   */
  public static NDArray owned(NDArray javaBacked) {
    NDArray copy = javaBacked.duplicate();
    javaBacked.close();
    return copy;
  }

  /** {@code x · value}. */
  public static NDArray mul(NDArray x, double value) {
    return x.mul(constant(x, value));
  }

  /** {@code x / value}. */
  public static NDArray div(NDArray x, double value) {
    return x.div(constant(x, value));
  }

  /** Element-wise {@code max(x, value)}. */
  public static NDArray max(NDArray x, double value) {
    return x.maximum(constant(x, value));
  }

  /** Element-wise {@code min(x, value)}. */
  public static NDArray min(NDArray x, double value) {
    return x.minimum(constant(x, value));
  }
}
