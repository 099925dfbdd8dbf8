package dev.rgal.mlflow;

import com.google.gson.JsonObject;
import dev.rgal.api.DfkdException;
import dev.rgal.api.tracking.RunStatus;
import dev.rgal.api.tracking.TrackedRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.mlflow.api.proto.Service;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowClientException;
import org.mlflow.tracking.MlflowHttpException;

/**
 * A run on an MLflow server. Every call goes straight to the server while it answers. When it
 * does not, the call and every later one are appended, in order, to a disk spool; each later
 * call first retries the spool (with a growing pause, after a cheap reachability probe), and
 * {@link #finish} keeps retrying for a bounded time. What the server still has not got then
 * stays on disk and is delivered by the next tracker opened against the same server.
 */
final class MlflowServerRun implements TrackedRun {
  // Server limits of MLflow 2.x and 3.17.2 alike (mlflow/utils/validation.py, LogBatch).
  static final int MAX_PARAM_VALUE = 6000;
  static final int MAX_TAG_VALUE = 8000;
  static final int MAX_PARAMS_PER_BATCH = 100;
  static final int MAX_TAGS_PER_BATCH = 100;
  static final int MAX_METRICS_PER_BATCH = 1000;
  private static final long MAX_PAUSE_NANOS = Duration.ofSeconds(5).toNanos();

  private enum Outcome { DONE, RETRY, DROP }

  private final MlflowClient client;
  private final ServerHttp http;
  private final String runId;
  private final String experimentId;
  private final String artifactUri;
  private final Path spoolRoot;
  private final Consumer<String> warnings;
  private final Duration finishWait;
  private final Deque<Op> pending = new ArrayDeque<>();
  private @Nullable Spool spool;
  private boolean outage;
  private int failures;
  private long nextAttempt;
  private int spooledTotal;
  private boolean ended;

  MlflowServerRun(MlflowClient client, ServerHttp http, String runId, String experimentId,
      String artifactUri, Path spoolRoot, Consumer<String> warnings, Duration finishWait) {
    this.client = client;
    this.http = http;
    this.runId = runId;
    this.experimentId = experimentId;
    this.artifactUri = artifactUri;
    this.spoolRoot = spoolRoot;
    this.warnings = warnings;
    this.finishWait = finishWait;
  }

  /** Re-opens a spool left by an earlier process, to deliver it (see the tracker). */
  static MlflowServerRun recover(MlflowClient client, ServerHttp http, Spool.Leftover left,
      Path spoolRoot, Consumer<String> warnings) {
    JsonObject id = left.identity();
    MlflowServerRun run = new MlflowServerRun(client, http, id.get("runId").getAsString(),
        id.get("experimentId").getAsString(), id.get("artifactUri").getAsString(), spoolRoot,
        warnings, Duration.ZERO);
    run.spool = left.spool();
    run.outage = true;
    run.pending.addAll(left.ops());
    run.spooledTotal = left.ops().size();
    run.ended = true;
    boolean terminated = left.ops().stream().anyMatch(o -> o instanceof Op.Terminate);
    if (!terminated) {
      // Its process died before finishing: the run was aborted, so it ends FAILED.
      run.enqueue(new Op.Terminate(RunStatus.FAILED.name(), System.currentTimeMillis()));
    }
    return run;
  }

  @Override
  public String runId() {
    return runId;
  }

  @Override
  public String trackingUri() {
    return http.host();
  }

  @Override
  public String location() {
    return http.host() + "/#/experiments/" + experimentId + "/runs/" + runId;
  }

  /** Calls waiting for the server (0 while it answers). */
  synchronized int pendingCount() {
    return pending.size();
  }

  /** The spool folder of this run, whether or not it exists now. */
  Path spoolDir() {
    return spoolRoot.resolve(runId);
  }

  @Override
  public synchronized void logParams(Map<String, String> params) {
    checkOpen();
    if (!params.isEmpty()) {
      submit(new Op.Params(params));
    }
  }

  @Override
  public synchronized void logMetrics(long step, Map<String, Double> metrics) {
    checkOpen();
    if (!metrics.isEmpty()) {
      // Stamped now, not at delivery: a spooled step keeps the time it happened.
      submit(new Op.Metrics(step, System.currentTimeMillis(), metrics));
    }
  }

  @Override
  public synchronized void setTags(Map<String, String> tags) {
    checkOpen();
    if (!tags.isEmpty()) {
      submit(new Op.Tags(tags));
    }
  }

  @Override
  public synchronized void logArtifact(Path file, String artifactDir) {
    checkOpen();
    if (!Files.isRegularFile(file)) {
      throw new DfkdException("artifact " + file + " is not a readable file; pass an existing file");
    }
    String dir = artifactDir.replace('\\', '/');
    while (dir.startsWith("/")) {
      dir = dir.substring(1);
    }
    while (dir.endsWith("/")) {
      dir = dir.substring(0, dir.length() - 1);
    }
    if (List.of(dir.split("/")).contains("..")) {
      throw new DfkdException("artifact directory '" + artifactDir
          + "' leaves the run's artifacts; use a relative path without '..'");
    }
    submit(new Op.Artifact(file.toAbsolutePath().toString(), dir, file.getFileName().toString()));
  }

  @Override
  public synchronized void finish(RunStatus status) {
    if (ended) {
      return;
    }
    ended = true;
    enqueue(new Op.Terminate(status.name(), System.currentTimeMillis()));
    long deadline = System.nanoTime() + finishWait.toNanos();
    while (true) {
      drain(true);
      if (pending.isEmpty() || System.nanoTime() >= deadline
          || Thread.currentThread().isInterrupted()) {
        break;
      }
      sleepNanos(Math.min(Duration.ofMillis(500).toNanos(), deadline - System.nanoTime()));
    }
    if (!pending.isEmpty()) {
      warnings.accept("rgal: MLflow server " + http.host() + " still unreachable; " + pending.size()
          + " records of run " + runId + " stay in " + spoolDir()
          + " and are sent by the next rgal run against this server");
      if (spool != null) {
        spool.release();
      }
    }
  }

  @Override
  public synchronized void close() {
    // An aborted run must never stay RUNNING.
    if (!ended) {
      finish(RunStatus.FAILED);
    }
  }

  /** Delivers everything now if the server answers; true when nothing is left. */
  synchronized boolean flush() {
    drain(true);
    return pending.isEmpty();
  }

  /** Gives up a recovered spool that could not be delivered, leaving it for later. */
  synchronized void release() {
    if (spool != null) {
      spool.release();
    }
  }

  // ------------------------------------------------------------------ queue

  private void checkOpen() {
    if (ended) {
      throw new IllegalStateException("run " + runId + " has already ended");
    }
  }

  private void submit(Op op) {
    enqueue(op);
    drain(false);
  }

  private void enqueue(Op op) {
    Op stored = op;
    if (spool != null) {
      try {
        stored = spool.append(op);
        spooledTotal++;
      } catch (UncheckedIOException e) {
        warnings.accept("rgal: cannot write spool " + spool.dir() + " (" + e.getCause()
            + "); keeping " + op.describe() + " of run " + runId + " in memory only");
      }
    }
    pending.addLast(stored);
  }

  private void drain(boolean force) {
    if (pending.isEmpty()) {
      return;
    }
    if (outage) {
      if (!force && System.nanoTime() < nextAttempt) {
        return;
      }
      if (!http.reachable()) {
        scheduleRetry();
        return;
      }
    }
    while (!pending.isEmpty()) {
      Outcome outcome = deliver(pending.peekFirst());
      if (outcome == Outcome.RETRY) {
        startOutage();
        scheduleRetry();
        return;
      }
      pending.removeFirst();
      if (spool != null) {
        try {
          spool.markDelivered();
        } catch (UncheckedIOException e) {
          // The server has it; at worst a later replay re-sends it, which MLflow tolerates.
        }
      }
    }
    if (outage) {
      outage = false;
      failures = 0;
      if (spool != null) {
        spool.delete();
        spool = null;
      }
      warnings.accept("rgal: MLflow server " + http.host() + " answers again; delivered "
          + spooledTotal + " spooled records of run " + runId);
      spooledTotal = 0;
    }
  }

  private void startOutage() {
    if (outage) {
      return;
    }
    outage = true;
    try {
      JsonObject id = new JsonObject();
      id.addProperty("runId", runId);
      id.addProperty("experimentId", experimentId);
      id.addProperty("artifactUri", artifactUri);
      id.addProperty("host", http.host());
      Spool s = Spool.create(spoolRoot, runId, id);
      List<Op> copy = new ArrayList<>(pending);
      pending.clear();
      for (Op op : copy) {
        pending.addLast(s.append(op));
      }
      spool = s;
      spooledTotal = copy.size();
      warnings.accept("rgal: MLflow server " + http.host() + " unreachable; spooling run "
          + runId + " to " + s.dir() + " until it answers");
    } catch (UncheckedIOException e) {
      spooledTotal = pending.size();
      warnings.accept("rgal: MLflow server " + http.host() + " unreachable and spool "
          + spoolDir() + " not writable (" + e.getCause() + "); keeping run " + runId
          + " in memory until the server answers");
    }
  }

  private void scheduleRetry() {
    failures = Math.min(failures + 1, 20);
    long pause = Math.min(MAX_PAUSE_NANOS, Duration.ofMillis(250).toNanos() << (failures - 1));
    nextAttempt = System.nanoTime() + pause;
  }

  // ------------------------------------------------------------------ delivery

  private Outcome deliver(Op op) {
    try {
      if (op instanceof Op.Params p) {
        List<Service.Param> all = new ArrayList<>();
        p.values().forEach((k, v) -> all.add(Service.Param.newBuilder().setKey(k)
            .setValue(truncate(v, MAX_PARAM_VALUE)).build()));
        for (List<Service.Param> chunk : chunks(all, MAX_PARAMS_PER_BATCH)) {
          client.logBatch(runId, null, chunk, null);
        }
      } else if (op instanceof Op.Metrics m) {
        List<Service.Metric> all = new ArrayList<>();
        m.values().forEach((k, v) -> all.add(Service.Metric.newBuilder().setKey(k).setValue(v)
            .setTimestamp(m.timestamp()).setStep(m.step()).build()));
        for (List<Service.Metric> chunk : chunks(all, MAX_METRICS_PER_BATCH)) {
          client.logBatch(runId, chunk, null, null);
        }
      } else if (op instanceof Op.Tags t) {
        List<Service.RunTag> all = new ArrayList<>();
        t.values().forEach((k, v) -> all.add(Service.RunTag.newBuilder().setKey(k)
            .setValue(truncate(v, MAX_TAG_VALUE)).build()));
        for (List<Service.RunTag> chunk : chunks(all, MAX_TAGS_PER_BATCH)) {
          client.logBatch(runId, null, null, chunk);
        }
      } else if (op instanceof Op.Artifact a) {
        return uploadArtifact(a);
      } else if (op instanceof Op.Terminate t) {
        client.setTerminated(runId, Service.RunStatus.valueOf(t.status()), t.endTime());
      }
      return Outcome.DONE;
    } catch (MlflowHttpException e) {
      if (retryable(e.getStatusCode())) {
        return Outcome.RETRY;
      }
      warnings.accept("rgal: MLflow server rejected " + op.describe() + " of run " + runId
          + " (HTTP " + e.getStatusCode() + ": " + oneLine(e.getBodyMessage())
          + "); skipped it, fix the key or value");
      return Outcome.DROP;
    } catch (MlflowClientException e) {
      // The client wraps I/O failures (connection refused, reset) in this type.
      return Outcome.RETRY;
    }
  }

  private Outcome uploadArtifact(Op.Artifact a) {
    Path file = Paths.get(a.file());
    URI target = http.uploadUri(artifactUri, a.dir(), a.name());
    if (target != null) {
      try {
        http.put(target, file);
        return Outcome.DONE;
      } catch (ServerHttp.StatusException e) {
        if (e.retryable()) {
          return Outcome.RETRY;
        }
        warnings.accept("rgal: MLflow server rejected " + a.describe() + " of run " + runId
            + " (" + e.getMessage() + "); skipped it");
        return Outcome.DROP;
      } catch (IOException e) {
        if (!Files.isRegularFile(file)) {
          warnings.accept("rgal: " + a.describe() + " of run " + runId + " vanished from " + file
              + " before upload; skipped it");
          return Outcome.DROP;
        }
        return Outcome.RETRY;
      }
    }
    Path local = localPath(artifactUri);
    if (local != null) {
      // The server keeps this run's artifacts in a directory on this machine: write there.
      try {
        Path dir = a.dir().isEmpty() ? local : local.resolve(a.dir());
        Files.createDirectories(dir);
        Files.copy(file, dir.resolve(a.name()), StandardCopyOption.REPLACE_EXISTING);
        return Outcome.DONE;
      } catch (IOException e) {
        warnings.accept("rgal: cannot copy " + a.describe() + " of run " + runId + " to " + local
            + " (" + e + "); skipped it");
        return Outcome.DROP;
      }
    }
    // s3:, gs:, ... : only the client's Python-based repository can write there.
    try {
      if (a.dir().isEmpty()) {
        client.logArtifact(runId, file.toFile());
      } else {
        client.logArtifact(runId, file.toFile(), a.dir());
      }
      return Outcome.DONE;
    } catch (RuntimeException e) {
      warnings.accept("rgal: cannot upload " + a.describe() + " of run " + runId + " to "
          + artifactUri + " (needs Python mlflow for this store: " + oneLine(String.valueOf(
              e.getMessage())) + "); skipped it");
      return Outcome.DROP;
    }
  }

  static @Nullable Path localPath(String artifactUri) {
    if (artifactUri.startsWith("file:")) {
      return artifactUri.startsWith("file://") ? Paths.get(URI.create(artifactUri))
          : Paths.get(artifactUri.substring("file:".length()));
    }
    return artifactUri.startsWith("/") ? Paths.get(artifactUri) : null;
  }

  static boolean retryable(int status) {
    return status == 408 || status == 429 || status >= 500;
  }

  static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }

  private static String oneLine(@Nullable String s) {
    String t = s == null ? "" : s.replaceAll("\\s+", " ");
    return t.length() > 300 ? t.substring(0, 300) + "..." : t;
  }

  private static <T> List<List<T>> chunks(List<T> all, int size) {
    List<List<T>> out = new ArrayList<>();
    for (int i = 0; i < all.size(); i += size) {
      out.add(all.subList(i, Math.min(all.size(), i + size)));
    }
    return out;
  }

  private static void sleepNanos(long nanos) {
    if (nanos <= 0) {
      return;
    }
    try {
      Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
