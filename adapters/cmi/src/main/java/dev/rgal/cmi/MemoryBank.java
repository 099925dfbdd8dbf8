package dev.rgal.cmi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Random;
import org.jspecify.annotations.Nullable;

/**
 * CMI's memory bank: the {@code [f_local | f_global]} rows of the most recent {@code capacity}
 * kept instances, oldest dropped first. The reference overwrites a preallocated ring buffer; this
 * keeps the same set of rows in one array that grows with use (so a short run does not allocate
 * the full 40,960 rows), rebuilt once per synthesis call. Row order does not matter: entries are
 * only ever sampled at random. All rows live in a manager the bank owns.
 */
final class MemoryBank implements AutoCloseable {
  private final int capacity;
  private final NDManager manager;
  private @Nullable NDArray rows;

  /**
   * @param capacity the most rows kept
   * @param parent manager the bank's own sub-manager is made from
   */
  MemoryBank(int capacity, NDManager parent) {
    if (capacity < 1) {
      throw new IllegalArgumentException("memory bank capacity must be at least 1");
    }
    this.capacity = capacity;
    this.manager = parent.newSubManager();
  }

  int size() {
    return rows == null ? 0 : (int) rows.getShape().get(0);
  }

  int capacity() {
    return capacity;
  }

  /** Appends detached copies of {@code entries} [B, 2D] and drops the oldest rows beyond capacity. */
  void add(NDArray entries) {
    NDArray fresh = entries.stopGradient().toType(DataType.FLOAT32, true);
    fresh.attach(manager);
    NDArray all;
    if (rows == null) {
      all = fresh;
    } else {
      all = NDArrays.concat(new NDList(rows, fresh), 0);
      rows.close();
      fresh.close();
    }
    long n = all.getShape().get(0);
    if (n > capacity) {
      NDArray kept = all.get(n - capacity + ":");
      kept = kept.duplicate();
      all.close();
      all = kept;
    }
    all.attach(manager);
    rows = all;
  }

  /**
   * {@code count} distinct random rows (all rows, in random order, while there are no more than
   * {@code count}); the result belongs to {@code into}. Returns null while the bank is empty.
   */
  @Nullable NDArray sample(int count, Random random, NDManager into) {
    if (rows == null) {
      return null;
    }
    int n = size();
    int k = Math.min(count, n);
    // partial Fisher–Yates: the first k slots become a uniform sample without replacement
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    long[] pick = new long[k];
    for (int i = 0; i < k; i++) {
      int j = i + random.nextInt(n - i);
      int t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
      pick[i] = perm[i];
    }
    NDArray index = into.create(pick);
    NDArray sampled = rows.get(index);
    // the gather lands in the bank's manager (its first operand); move it to the caller's scope
    sampled.attach(into);
    return sampled;
  }

  /** All rows (owned by the bank), or null while empty. */
  @Nullable NDArray rows() {
    return rows;
  }

  /** Replaces the content (resume); {@code content} may be null for an empty bank. */
  void restore(@Nullable NDArray content) {
    if (rows != null) {
      rows.close();
      rows = null;
    }
    if (content != null) {
      content.attach(manager);
      rows = content;
    }
  }

  NDManager manager() {
    return manager;
  }

  @Override
  public void close() {
    manager.close();
  }
}
