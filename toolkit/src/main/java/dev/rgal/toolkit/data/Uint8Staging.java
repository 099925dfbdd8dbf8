package dev.rgal.toolkit.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;

/**
 * Gathers stored uint8 images into one reused direct buffer and hands them to the engine as
 * float32 in [0, 1].
 *
 * <p>Why one buffer: DJL's PyTorch engine wraps a direct buffer without copying and keeps it
 * reachable from the array, so a fresh buffer per batch was freed only by a garbage collection;
 * native memory grew by tens of MB per epoch until the direct-memory limit forced one. The uint8
 * array that aliases the buffer is closed before this method returns, so reuse is safe.
 */
final class Uint8Staging {
  private ByteBuffer buffer = ByteBuffer.allocateDirect(0);

  /**
   * @param pixels images stored back to back, {@code per} bytes each
   * @param indices which images, in order
   * @param shape the batch shape ({@code indices.length × per} elements)
   */
  synchronized NDArray gather(NDManager manager, byte[] pixels, int[] indices, int per, Shape shape) {
    int bytes = indices.length * per;
    if (buffer.capacity() < bytes) {
      buffer = ByteBuffer.allocateDirect(bytes);
    }
    buffer.clear();
    for (int i : indices) {
      buffer.put(pixels, i * per, per);
    }
    buffer.flip();
    try (NDArray raw = manager.create(buffer, shape, DataType.UINT8)) {
      return raw.toType(DataType.FLOAT32, false).divi(255f);
    }
  }
}
