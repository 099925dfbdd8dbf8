package dev.rgal.toolkit.zoo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.FloatBuffer;

/** In-place tensor copies that keep the destination's identity (optimisers key state on it). */
final class Tensors {
  private Tensors() {}

  /** Copies src's values into dst (same shape, float32), leaving dst's autograd flags as they were. */
  static void copyInto(NDArray dst, NDArray src) {
    check(dst, src.getShape());
    dst.set(src.toFloatArray());
  }

  /** Copies values into dst (float32, row-major). */
  static void copyInto(NDArray dst, FloatBuffer values) {
    if (values.remaining() != dst.size()) {
      throw new IllegalArgumentException("expected " + dst.size() + " values, got " + values.remaining());
    }
    check(dst, dst.getShape());
    dst.set(values);
  }

  private static void check(NDArray dst, Shape shape) {
    if (dst.getDataType() != DataType.FLOAT32) {
      throw new IllegalArgumentException("only float32 parameters are supported, got " + dst.getDataType());
    }
    if (!dst.getShape().equals(shape)) {
      throw new IllegalArgumentException("shape " + shape + " does not match " + dst.getShape());
    }
  }
}
