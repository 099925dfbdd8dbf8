package dev.rgal.spark;

import java.io.Serializable;

/**
 * What became of one grid cell, as the driver reports it to the CLI.
 *
 * @param status FINISHED or FAILED (a cell that failed deterministically, or one Spark gave up on)
 * @param runId the tracked run of the last attempt ("" if none started)
 * @param error one line for a failed cell, else ""
 * @param attempt Spark attempt (1-based) that produced this outcome
 * @param cellPeakRssMiB peak RSS of the cell's own JVM (NaN when unknown)
 * @param executorRssMiB RSS of the executor JVM right after the cell (NaN when unknown): flat
 *     across cells because each cell has its own JVM
 */
public record CellOutcome(String cellId, String label, String status, String runId, String error, int attempt,
    double wallSeconds, double cellPeakRssMiB, double executorRssMiB, String executorId) implements Serializable {
  private static final long serialVersionUID = 1L;

  static CellOutcome gaveUp(String cellId, String label, String error) {
    return new CellOutcome(cellId, label, "FAILED", "", error, 0, Double.NaN, Double.NaN, Double.NaN, "");
  }
}
