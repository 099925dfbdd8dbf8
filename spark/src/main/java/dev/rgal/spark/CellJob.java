package dev.rgal.spark;

import java.io.Serializable;
import java.util.List;

/**
 * One grid cell as a Spark task sees it (serialised to the executor).
 *
 * @param archive whether the job archive was shipped (else every path in the cell is shared)
 * @param threads PyTorch threads of the cell JVM ({@code spark.task.cpus}, or 1 when deterministic)
 */
public record CellJob(String cellId, String label, String cellJson, boolean archive, List<String> classPath,
    List<String> javaOptions, int threads, boolean deterministic) implements Serializable {
  private static final long serialVersionUID = 1L;
}
