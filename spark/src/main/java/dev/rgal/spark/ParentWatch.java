package dev.rgal.spark;

import java.io.IOException;
import java.io.InputStream;

/**
 * Ends a child JVM when the process that started it goes away. The parent holds the child's
 * stdin open and never writes to it, so end of input (or a broken pipe) means the parent died;
 * used by the grid driver (parent: {@code rgal compare}) and each cell JVM (parent: the executor).
 */
public final class ParentWatch {
  private ParentWatch() {}

  /** Starts a daemon thread that prints {@code message} and exits with 143 at the end of stdin. */
  public static void exitWhenStdinCloses(String message, String threadName) {
    Thread t = new Thread(() -> {
      InputStream in = System.in;
      byte[] buf = new byte[64];
      try {
        while (in.read(buf) >= 0) {
          // the parent never writes; anything read is ignored
        }
      } catch (IOException e) {
        // a broken pipe is the same news as EOF
      }
      System.err.println(message);
      System.exit(143);
    }, threadName);
    t.setDaemon(true);
    t.start();
  }
}
