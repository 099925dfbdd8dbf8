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
    // the per-cell table splits each cell's RSS at its end into JVM heap and the rest
    List<String> cellRows = grid.out().lines().dropWhile(l -> !l.startsWith("| cell |")).skip(2)
        .takeWhile(l -> l.startsWith("|")).toList();
    assertEquals(4, cellRows.size(), grid.out());
    for (String row : cellRows) {
      String[] atEnd = row.split("\\|")[8].trim().split(" / ");
      double rss = Double.parseDouble(atEnd[0]);
      double heap = Double.parseDouble(atEnd[1]);
      assertTrue(heap > 0 && heap < rss, "JVM heap is part of the process's RSS: " + row);
    }

    Cli.Result runs = Cli.run(tmp, "runs", "--experiment", experiment);
    assertEquals(0, runs.exit(), runs.err());
    String table = grid.out().substring(grid.out().indexOf("| rank"), grid.out().indexOf("experiment '"));
    assertEquals(table.strip(), runs.out().strip(), "the store alone reproduces the table");
  }

  @Test
  void aBudgetAxisRowsPerBudgetAPlotAndAReRunThatSkipsFinishedCells() throws Exception {
    Path teacher = TinyTeacher.get();
    String experiment = "it-budget-" + System.nanoTime();
    // tiny schedule: batch 64, 1 warm-up call, 1 epoch -> images = 64 x (1 + calls); budget 130
    // gives 1 call (128 images), 260 gives 3 calls (256 images), 390 gives 5 calls (384 images)
    List<String> base = new ArrayList<>(List.of("compare", "--teacher", teacher.toString(), "--methods", "fast",
        "--seeds", "0", "--test-data", "/usr/share/datasets/fashion-mnist", "--experiment", experiment, "--out", "grid", "--quiet"));
    base.addAll(List.of(TinyTeacher.tiny(1)));
    List<String> first = new ArrayList<>(base);
    first.addAll(List.of("--budgets", "130,260"));
    Cli.Result grid = Cli.run(tmp, first.toArray(String[]::new));
    assertEquals(0, grid.exit(), grid.err());
    List<String> rows = grid.out().lines().filter(l -> l.startsWith("| 1 |")).toList();
    assertEquals(2, rows.size(), "one row per budget, each ranked first at its budget: " + grid.out());
    assertTrue(rows.get(0).contains("| 128 |") && rows.get(1).contains("| 256 |"), "sorted by images: " + rows);
    java.awt.image.BufferedImage png = javax.imageio.ImageIO.read(tmp.resolve("grid/budget.png").toFile());
    assertTrue(png != null && png.getWidth() > 0, "budget.png is a PNG");

    // an interrupted attempt of a third cell left its directory behind
    Path stale = java.nio.file.Files.createDirectories(tmp.resolve("grid/fast-390-seed0"));
    java.nio.file.Files.writeString(stale.resolve("note.txt"), "mine");
    List<String> second = new ArrayList<>(base);
    second.addAll(List.of("--budgets", "130,260,390"));
    Cli.Result again = Cli.run(tmp, second.toArray(String[]::new));
    assertEquals(0, again.exit(), again.err());
    assertTrue(again.out().contains("2 of 3 cells already have a finished run"), again.out());
    assertTrue(again.out().contains("moved it to fast-390-seed0.interrupted-"), again.out());
    try (var s = java.nio.file.Files.list(tmp.resolve("grid"))) {
      Path aside = s.filter(f -> f.getFileName().toString().startsWith("fast-390-seed0.interrupted-")).findFirst().orElseThrow();
      assertEquals("mine", java.nio.file.Files.readString(aside.resolve("note.txt")), "nothing of the user's is lost");
    }
    assertEquals(3, again.out().lines().filter(l -> l.startsWith("| 1 |")).count(), again.out());
    Cli.Result runs = Cli.run(tmp, "runs", "--experiment", experiment);
    assertEquals(3, runs.out().lines().filter(l -> l.startsWith("| 1 |")).count(),
        "three cells, one finished run each (the plot runs carry no accuracy): " + runs.out());
  }

  @Test
  void aValueGivenTwiceOnAGridAxisIsRefusedBeforeAnyCellRuns() throws Exception {
    Path teacher = TinyTeacher.get();
    // picocli adds a repeated list option to the earlier one: seeds 0,1,2,2 once made two cells of
    // one directory, and the second set the first one's finished run aside as unfinished
    Cli.Result seeds = Cli.run(tmp, "compare", "--teacher", teacher.toString(), "--methods", "fast",
        "--seeds", "0,1,2", "--seeds", "2", "--test-data", "/usr/share/datasets/fashion-mnist",
        "--experiment", "it-dup-" + System.nanoTime(), "--out", "grid", "--quiet");
    assertEquals(1, seeds.exit(), seeds.out() + seeds.err());
    assertTrue(seeds.err().strip().lines().count() == 1 && seeds.err().contains("--seeds gives '2' more than once"), seeds.err());
    Cli.Result orders = Cli.run(tmp, "compare", "--incremental", "5,5", "--methods", "ft", "--class-orders", "O0,O0",
        "--test-data", "/usr/share/datasets/fashion-mnist", "--experiment", "it-dup-" + System.nanoTime(),
        "--out", "grid", "--quiet");
    assertEquals(1, orders.exit(), orders.out() + orders.err());
    assertTrue(orders.err().contains("--class-orders gives 'O0' more than once"), orders.err());
    assertTrue(!java.nio.file.Files.exists(tmp.resolve("grid")), "nothing written for a refused grid");
  }
}
