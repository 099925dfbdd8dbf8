package dev.rgal.spark;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the CLI hands the grid driver (as JSON): the Spark master and settings, what travels with
 * the job, and the cells still to run.
 *
 * @param master Spark master URL
 * @param appName application name shown by the cluster
 * @param conf the user's {@code spark.*} settings (they win over the driver's defaults)
 * @param sparkJar this module's jar, put on the executors' class path ({@code spark.jars})
 * @param archive the job archive (runtime jars, teacher, test data, plugins) or null when every
 *     input is on a shared path
 * @param classPath the cell JVM's class path; {@code @job/...} entries are inside the archive
 * @param javaOptions JVM options of each cell JVM
 * @param deterministic one PyTorch thread per cell (bit-reproducible runs)
 * @param cells the cells to run, in grid order
 * @param outcomesFile where the driver writes the cells' outcomes (JSON) for the CLI
 */
public record GridPlan(String master, String appName, Map<String, String> conf, String sparkJar,
    @Nullable String archive, List<String> classPath, List<String> javaOptions, boolean deterministic,
    List<PlannedCell> cells, String outcomesFile) {

  /**
   * @param cellId stable id of the cell (tag {@code grid.cell})
   * @param label for people: method, variant, seed
   * @param cellJson everything {@code CellMain} needs, opaque to the driver
   */
  public record PlannedCell(String cellId, String label, String cellJson) {}
}
