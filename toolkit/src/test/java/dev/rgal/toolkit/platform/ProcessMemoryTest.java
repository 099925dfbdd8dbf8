package dev.rgal.toolkit.platform;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** Peak RSS can be reset, so several runs in one process each report their own peak. */
class ProcessMemoryTest {
  private static final long MIB = 1L << 20;

  @Test
  void resettingThePeakBringsItDownToTheCurrentRssAndItThenFollowsNewAllocations() {
    try (NDManager m = NDManager.newBaseManager()) {
      // a spike that is freed again: under glibc its pages go back to the kernel, so the old
      // peak stays above the current RSS until the reset
      try (NDArray spike = m.ones(new Shape(96 * MIB / 4))) {
        assertTrue(spike.sum().getFloat() > 0);
      }
      assertTrue(ProcessMemory.resetPeak(), "Linux >= 4.0 lets a process reset its own peak");
      long rss = ProcessMemory.rssBytes();
      assertTrue(ProcessMemory.peakRssBytes() <= rss + 16 * MIB,
          "peak " + ProcessMemory.mib(ProcessMemory.peakRssBytes()) + " vs current " + ProcessMemory.mib(rss));
      // large enough that, even if the allocator reuses the spike's pages, 300 MiB are new
      try (NDArray big = m.ones(new Shape(512 * MIB / 4))) {
        assertTrue(big.sum().getFloat() > 0);
        assertTrue(ProcessMemory.peakRssBytes() >= rss + 300 * MIB,
            "the peak counts a new 512 MiB array: " + ProcessMemory.mib(ProcessMemory.peakRssBytes()));
      }
    }
  }
}
