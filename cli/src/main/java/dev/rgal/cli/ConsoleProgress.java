package dev.rgal.cli;

import dev.rgal.toolkit.progress.Progress;
import java.io.PrintStream;
import java.time.Duration;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress as a terminal bar with ETA (stderr), or plain lines when {@code --quiet} or when the
 * output is not a terminal (a bar's carriage returns and escapes would garble a log file).
 */
final class ConsoleProgress implements Progress {
  private final boolean quiet;
  private final PrintStream out;

  ConsoleProgress(boolean quiet, PrintStream out) {
    this.quiet = quiet || System.console() == null;
    this.out = out;
  }

  @Override
  public Task start(String name, long total) {
    if (quiet) {
      return new Task() {
        @Override
        public void step(long units, String status) {}

        @Override
        public void println(String line) {
          out.println(line);
        }

        @Override
        public void close() {}
      };
    }
    ProgressBar bar = new ProgressBarBuilder().setTaskName(name).setInitialMax(total)
        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).showSpeed()
        .setConsumer(new ConsoleProgressBarConsumer(System.err)).setMaxRenderedLength(110)
        .setEtaFunction(state -> java.util.Optional.of(eta(state.getElapsedAfterStart(), state.getCurrent() - state.getStart(), total - state.getCurrent())))
        .build();
    return new Task() {
      @Override
      public void step(long units, String status) {
        bar.stepBy(units);
        bar.setExtraMessage(status);
      }

      @Override
      public void println(String line) {
        // a newline on stderr keeps the bar from overwriting the line
        System.err.print("\r\033[K");
        out.println(line);
        out.flush();
      }

      @Override
      public void close() {
        bar.close();
      }
    };
  }

  private static Duration eta(Duration elapsed, long done, long left) {
    if (done <= 0) {
      return Duration.ZERO;
    }
    return elapsed.multipliedBy(left).dividedBy(done);
  }
}
