package dev.rgal.kernel.bench;

import ai.djl.pytorch.jni.JniUtils;
import dev.rgal.api.DfkdException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * PyTorch's own profiler around a stretch of work: every ATen op with its input shapes, written as
 * a Chrome trace ({@code chrome://tracing}, Perfetto). A no-op when constructed with no file, so
 * callers need no branches.
 */
public final class TorchProfiler implements AutoCloseable {
  private final @Nullable Path trace;

  private TorchProfiler(@Nullable Path trace) {
    this.trace = trace;
    if (trace != null) {
      JniUtils.startProfile(false, true, false);
    }
  }

  /** Starts profiling into {@code trace} (written on close), or does nothing when it is null. */
  public static TorchProfiler startInto(@Nullable Path trace) {
    if (trace != null && Files.exists(trace)) {
      throw new DfkdException("profile trace " + trace + " already exists; choose another --profile directory");
    }
    return new TorchProfiler(trace);
  }

  @Override
  public void close() {
    if (trace != null) {
      JniUtils.stopProfile(trace.toAbsolutePath().toString());
    }
  }
}
