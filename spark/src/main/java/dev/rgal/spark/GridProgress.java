package dev.rgal.spark;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkConf;
import org.apache.spark.Success$;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;

/**
 * Progress over the whole grid, one line per change (and every 30 s): cells done, failed,
 * running, queued, elapsed, and an ETA from the throughput so far. Running cells come from
 * Spark's listener bus (task start/end); a lost attempt (executor killed) is reported as it
 * happens, and Spark retries it.
 */
final class GridProgress {
  private final int total;
  private final PrintStream out;
  private final long start = System.nanoTime();
  private final AtomicInteger running = new AtomicInteger();
  private final Map<Integer, String> stageLabels = new ConcurrentHashMap<>();
  private int finished;
  private int failed;
  private String lastLine = "";
  private long lastPrint;

  GridProgress(int total, PrintStream out) {
    this.total = total;
    this.out = out;
  }

  SparkListener listener() {
    return new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart job) {
        Properties p = job.properties();
        String label = p == null ? null : p.getProperty("spark.job.description");
        if (label != null) {
          job.stageIds().foreach(id -> stageLabels.put((Integer) id, label));
        }
      }

      @Override
      public void onTaskStart(SparkListenerTaskStart task) {
        running.incrementAndGet();
      }

      @Override
      public void onTaskEnd(SparkListenerTaskEnd task) {
        running.decrementAndGet();
        if (task.reason() != Success$.MODULE$) {
          String label = stageLabels.getOrDefault(task.stageId(), "stage " + task.stageId());
          String reason = GridDriver.firstLine(new RuntimeException(task.reason().toString()));
          synchronized (GridProgress.this) {
            out.printf(Locale.ROOT, "grid: cell %s attempt %d lost on executor %s (%s); Spark retries it%n", label,
                task.taskInfo().attemptNumber() + 1, task.taskInfo().executorId(),
                reason.length() > 200 ? reason.substring(0, 200) + "…" : reason);
            out.flush();
          }
        }
      }
    };
  }

  synchronized void submitted(String appId, SparkConf conf) {
    out.printf(Locale.ROOT, "grid: %d cells submitted as application %s on %s (executor cores %s, task cpus %s)%n",
        total, appId, conf.get("spark.master"), conf.get("spark.executor.cores"), conf.get("spark.task.cpus"));
    out.flush();
  }

  synchronized void cellDone(CellOutcome o) {
    if (o.status().equals("FINISHED")) {
      finished++;
    } else {
      failed++;
    }
    out.printf(Locale.ROOT, "grid: %-36s %s%s  wall %s  cell peak RSS %s MiB  executor RSS %s MiB  attempt %d%n",
        o.label(), o.status(), o.error().isEmpty() ? "" : " (" + o.error() + ")", seconds(o.wallSeconds()),
        mib(o.cellPeakRssMiB()), mib(o.executorRssMiB()), o.attempt());
    tick();
  }

  synchronized void tick() {
    int done = finished + failed;
    int run = Math.max(0, Math.min(running.get(), total - done));
    double elapsed = (System.nanoTime() - start) / 1e9;
    String eta = done == 0 ? "n/a" : seconds(elapsed / done * (total - done));
    String line = String.format(Locale.ROOT, "grid: %d/%d done (%d finished, %d failed), %d running, %d queued",
        done, total, finished, failed, run, total - done - run);
    long now = System.nanoTime();
    if (!line.equals(lastLine) || now - lastPrint > 30_000_000_000L) {
      out.println(line + ", elapsed " + seconds(elapsed) + ", ETA " + eta);
      out.flush();
      lastLine = line;
      lastPrint = now;
    }
  }

  synchronized void finished() {
    out.printf(Locale.ROOT, "grid: all %d cells done in %s (%d finished, %d failed)%n", total,
        seconds((System.nanoTime() - start) / 1e9), finished, failed);
    out.flush();
  }

  private static String seconds(double s) {
    if (Double.isNaN(s)) {
      return "n/a";
    }
    long t = Math.round(s);
    return t >= 60 ? String.format(Locale.ROOT, "%dm%02ds", t / 60, t % 60) : t + "s";
  }

  private static String mib(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.0f", v);
  }
}
