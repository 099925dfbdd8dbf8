package dev.rgal.incremental;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

import dev.rgal.toolkit.data.ImageDataset;

/**
 * The real training images a task may read, with run labels (position in the class order). The
 * data rule lives here: {@link #newTask()} is C_t alone; {@link #seenTasks()} exists only for a
 * method that declares {@link IncrementalMethod#usesRealOldData()}. Every read is recorded in the
 * scenario's ledger.
 */
@API(status = EXPERIMENTAL, since = "0.2")
public interface TaskData {
  /** The real images of task t's classes. */
  ImageDataset newTask();

  /**
   * The real images of tasks 1..t.
   *
   * @throws IllegalStateException for a method that does not declare real old data
   */
  ImageDataset seenTasks();
}
