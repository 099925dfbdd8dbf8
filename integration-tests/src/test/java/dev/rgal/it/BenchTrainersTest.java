package dev.rgal.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rgal bench --trainers} times each method's own student trainer and prints the ratio. */
class BenchTrainersTest {
  @TempDir Path tmp;

  @Test
  void timesTheKdAndTheRgalTrainerWithBalancedAndUnbalancedLabels() throws Exception {
    Cli.Result r = Cli.run(tmp, "bench", "--trainers", "fast,fast+rgal", "--teacher", TinyTeacher.get().toString(),
        "--steps", "2", "--repeats", "3");
    assertEquals(0, r.exit(), r.err());
    Pattern row = Pattern.compile("fast\\+rgal\\s+trainer rgal\\s+([0-9.]+) ms/step\\s+\\(([0-9.]+)x fast\\)");
    Matcher m = row.matcher(r.out());
    int rows = 0;
    while (m.find()) {
      rows++;
      assertTrue(Double.parseDouble(m.group(1)) > 0, r.out());
    }
    assertEquals(2, rows, "a balanced and an unbalanced row: " + r.out());
    assertTrue(r.out().contains("fast           trainer kd"), r.out());
    // the unbalanced pool really has more same-label pairs per batch than the balanced one
    Matcher pairs = Pattern.compile("same-label pairs per batch: ([0-9,]+)").matcher(r.out());
    assertTrue(pairs.find(), r.out());
    double balanced = Double.parseDouble(pairs.group(1).replace(",", ""));
    assertTrue(pairs.find(), r.out());
    double unbalanced = Double.parseDouble(pairs.group(1).replace(",", ""));
    assertTrue(unbalanced > 3 * balanced, r.out());
  }

  @Test
  void withoutATeacherItSaysWhatIsMissing() throws Exception {
    Cli.Result r = Cli.run(tmp, "bench", "--trainers", "fast");
    assertEquals(1, r.exit());
    assertTrue(r.err().contains("needs --teacher DIR"), r.err());
  }
}
