package dev.rgal.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rgal bench}: step times against the matmul rate, and PyTorch profiler traces on request. */
class BenchStepsTest {
  @TempDir Path tmp;

  @Test
  void printsStepTimesAndWritesProfilerTracesOfTheTimedSteps() throws Exception {
    Path traces = tmp.resolve("traces");
    Cli.Result r = Cli.run(tmp, "bench", "--batch", "8", "--ngf", "8", "--repeats", "1", "--profile", traces.toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(positive(r.out(), "synthesis inner step: ([0-9.]+) ms"), r.out());
    assertTrue(positive(r.out(), "KD step: +([0-9.]+) ms"), r.out());
    assertTrue(positive(r.out(), "engine matmul: +([0-9.]+) GFLOP/s"), r.out());
    String synthesis = Files.readString(traces.resolve("synthesis-trace.json"));
    String kd = Files.readString(traces.resolve("kd-trace.json"));
    // the synthesis step back-propagates into the generator; the KD step only into the student
    assertTrue(synthesis.contains("aten::convolution_backward") && synthesis.contains("[8, 8, 32, 32]"),
        "generator convolutions (ngf 8 at 32x32) in the synthesis trace");
    assertTrue(kd.contains("aten::convolution_backward") && !kd.contains("[8, 8, 32, 32]"),
        "student backward but no generator in the KD trace");

    Cli.Result again = Cli.run(tmp, "bench", "--batch", "8", "--ngf", "8", "--repeats", "1", "--profile", traces.toString());
    assertEquals(1, again.exit(), again.out());
    assertTrue(again.err().contains("already exists"), again.err());
    assertEquals(synthesis, Files.readString(traces.resolve("synthesis-trace.json")), "the earlier trace is kept");
  }

  private static boolean positive(String out, String regex) {
    Matcher m = Pattern.compile(regex).matcher(out);
    return m.find() && Double.parseDouble(m.group(1)) > 0;
  }
}
