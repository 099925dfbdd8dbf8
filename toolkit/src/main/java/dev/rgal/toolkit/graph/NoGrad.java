package dev.rgal.toolkit.graph;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import ai.djl.pytorch.jni.JniUtils;

/**
 * Runs code with autograd recording off on this thread, as {@code torch.no_grad()}: in-place
 * updates of parameters must not be recorded, and libtorch refuses them on leaves otherwise.
 */
@API(status = STABLE, since = "0.1")
public final class NoGrad {
  private NoGrad() {}

  public static void run(Runnable r) {
    boolean was = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try {
      r.run();
    } finally {
      JniUtils.setGradMode(was);
    }
  }

  /** {@link #run} for code with a result (e.g. a frozen model's forward inside a recorded step). */
  public static <T> T call(java.util.function.Supplier<T> f) {
    boolean was = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try {
      return f.get();
    } finally {
      JniUtils.setGradMode(was);
    }
  }
}
