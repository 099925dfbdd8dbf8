package dev.rgal.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rgal compare} runs a grid where every cell is a tracked run, and {@code rgal runs} prints
 * the same ranked table from the store alone. Uses the real MLflow server of the test command
 * when {@code MLFLOW_TRACKING_URI} is set, else the local store.
 */
class CompareRunsTest {
  @TempDir Path tmp;

  @Test
  void gridOfTwoMethodsAndTwoSeedsThenTheTableFromTheStore() throws Exception {
    Path teacher = TinyTeacher.get();
    String experiment = "it-compare-" + System.nanoTime();
    List<String> args = new ArrayList<>(List.of("compare", "--teacher", teacher.toString(), "--methods", "fast,fast+rgal",
        "--seeds", "0,1", "--test-data", "/usr/share/datasets/fashion-mnist", "--experiment", experiment,
        "--out", "grid", "--quiet"));
    for (String a : TinyTeacher.tiny(1)) {
      if (!a.equals("--epochs") && !a.equals("1")) {
        args.add(a);
      }
    }
    args.addAll(List.of("--epochs", "1"));
    Cli.Result grid = Cli.run(tmp, args.toArray(String[]::new));
    assertEquals(0, grid.exit(), grid.err());
    assertTrue(grid.out().contains("| 1 |") && grid.out().contains("| 2 |"), grid.out());
    assertTrue(grid.out().contains("fast+rgal") && grid.out().contains("2 (0,1)"), grid.out());
    for (String line : grid.out().lines().filter(l -> l.startsWith("| 1 |") || l.startsWith("| 2 |")).toList()) {
      // the largest final.peak_rss_mib of the configuration's runs
      double peakRssMiB = Double.parseDouble(line.split("\\|")[9].trim());
      assertTrue(peakRssMiB > 100, "peak RSS of a libtorch process in MiB: " + line);
    }

    Cli.Result runs = Cli.run(tmp, "runs", "--experiment", experiment);
    assertEquals(0, runs.exit(), runs.err());
    String table = grid.out().substring(grid.out().indexOf("| rank"), grid.out().indexOf("experiment '"));
    assertEquals(table.strip(), runs.out().strip(), "the store alone reproduces the table");
  }
}
