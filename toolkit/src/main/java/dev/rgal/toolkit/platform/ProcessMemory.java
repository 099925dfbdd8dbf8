package dev.rgal.toolkit.platform;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resident memory of this process from {@code /proc/self/status} (Linux). DJL's native memory is
 * invisible to the JVM heap figures, so RSS is the number that shows leaks.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class ProcessMemory {
  private ProcessMemory() {}

  /** Current resident set size in bytes, or −1 where /proc is not available. */
  public static long rssBytes() {
    return field("VmRSS:");
  }

  /** JVM heap currently committed (reserved from the OS) in bytes; part of the RSS. */
  public static long heapCommittedBytes() {
    return Runtime.getRuntime().totalMemory();
  }

  /** Peak resident set size in bytes ("high water mark"), or −1. */
  public static long peakRssBytes() {
    return field("VmHWM:");
  }

  /**
   * Resets the peak ({@code VmHWM}) to the current RSS, so that the next {@link #peakRssBytes()}
   * describes only what runs after this call (several runs in one process, as in
   * {@code rgal compare}). Best effort: false where the kernel does not allow it (Linux before 4.0,
   * no /proc), and the peak then keeps counting from process start.
   */
  public static boolean resetPeak() {
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5");
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static long field(String name) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(name)) {
          String[] parts = line.substring(name.length()).trim().split("\\s+");
          return Long.parseLong(parts[0]) * 1024L;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /** Bytes as MiB with one decimal. */
  public static String mib(long bytes) {
    return bytes < 0 ? "n/a" : String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
  }
}
