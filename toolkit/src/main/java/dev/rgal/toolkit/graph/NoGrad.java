package dev.rgal.toolkit.graph;

import ai.djl.pytorch.jni.JniUtils;

/**
 * Runs code with autograd recording off on this thread, as {@code torch.no_grad()}: in-place
 * updates of parameters must not be recorded, and libtorch refuses them on leaves otherwise.
 */
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
}
