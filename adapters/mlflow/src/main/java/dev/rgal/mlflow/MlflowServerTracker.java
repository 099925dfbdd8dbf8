package dev.rgal.mlflow;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rgal.api.DfkdException;
import dev.rgal.api.tracking.RunRecord;
import dev.rgal.api.tracking.RunStart;
import dev.rgal.api.tracking.RunTracker;
import dev.rgal.api.tracking.TrackedRun;
import dev.rgal.api.tracking.TrackerConfig;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.mlflow.api.proto.Service;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowClientException;
import org.mlflow.tracking.MlflowHttpException;
import org.mlflow.tracking.creds.MlflowHostCredsProvider;

/**
 * Runs on an MLflow tracking server, through {@code org.mlflow:mlflow-client}. Experiments are
 * looked up by name and created when missing; params, metrics and tags go in {@code log-batch}
 * calls within the server's limits; artifacts are PUT to the server's artifact proxy (or
 * written directly when the run's artifact URI is a local path). A run whose server goes away
 * keeps its calls in a disk spool next to the local store and delivers them in order later.
 *
 * <p>If the server cannot be reached when a run starts, the run goes to the embedded store at
 * {@link TrackerConfig#localStore()} with one warning, unless {@link TrackerConfig#required()}.
 * Credentials come from the {@link MlflowHostCredsProvider} and are never recorded.
 */
public final class MlflowServerTracker implements RunTracker {
  /** Default for the longest one server call may take. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);

  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final MlflowClient client;
  private final ServerHttp http;
  private final TrackerConfig config;
  private final Consumer<String> warnings;
  private final Duration finishWait;
  private final Path spoolRoot;

  private MlflowServerTracker(MlflowClient client, ServerHttp http, TrackerConfig config,
      Consumer<String> warnings, Duration finishWait) {
    this.client = client;
    this.http = http;
    this.config = config;
    this.warnings = warnings;
    this.finishWait = finishWait;
    this.spoolRoot = Spool.rootFor(config.localStore());
  }

  /**
   * A tracker for the server of {@code creds} (its host is the tracking URI without user info).
   * Does not check that the server answers (the factory does); delivers spools left by earlier
   * processes for this server when it does.
   *
   * @param config where the spool and the fall-back store live, and whether the server is
   *     required
   * @param creds host and credentials for the Java client
   * @param warnings receives one-line warnings (fall-back, outage, recovery)
   * @param finishWait how long {@link TrackedRun#finish} keeps retrying an unreachable server
   */
  public static MlflowServerTracker connect(TrackerConfig config, MlflowHostCredsProvider creds,
      Consumer<String> warnings, Duration finishWait) {
    return connect(config, creds, warnings, finishWait, DEFAULT_REQUEST_TIMEOUT);
  }

  /**
   * As {@link #connect(TrackerConfig, MlflowHostCredsProvider, Consumer, Duration)}, with the
   * longest a single server call may take before the server counts as away (its calls are then
   * spooled).
   */
  public static MlflowServerTracker connect(TrackerConfig config, MlflowHostCredsProvider creds,
      Consumer<String> warnings, Duration finishWait, Duration requestTimeout) {
    ServerHttp http = new ServerHttp(creds, CONNECT_TIMEOUT, requestTimeout);
    MlflowClient client = new MlflowClient(creds);
    if (!creds.getHostCreds().shouldIgnoreTlsVerification()) {
      ClientTimeouts.apply(client, CONNECT_TIMEOUT, requestTimeout);
    }
    MlflowServerTracker t = new MlflowServerTracker(client, http, config, warnings, finishWait);
    if (http.reachable()) {
      t.deliverLeftovers();
    }
    return t;
  }

  /** The server's base URL (no credentials). */
  public String host() {
    return http.host();
  }

  /** The folder holding spools of runs whose calls have not reached the server yet. */
  public Path spoolRoot() {
    return spoolRoot;
  }

  @Override
  public TrackedRun start(RunStart start) {
    Service.RunInfo info;
    String expId;
    try {
      expId = experimentId(start.experiment(), true).orElseThrow();
      Service.CreateRun.Builder req = Service.CreateRun.newBuilder().setExperimentId(expId)
          .setRunName(start.runName()).setStartTime(System.currentTimeMillis())
          .setUserId(System.getProperty("user.name", "unknown"));
      Map<String, String> tags = new LinkedHashMap<>();
      tags.put("mlflow.runName", start.runName());
      tags.put("mlflow.user", System.getProperty("user.name", "unknown"));
      tags.put("mlflow.source.type", "LOCAL");
      tags.put("mlflow.source.name", "rgal");
      tags.putAll(start.tags());
      tags.forEach((k, v) -> req.addTags(Service.RunTag.newBuilder().setKey(k)
          .setValue(MlflowServerRun.truncate(v, MlflowServerRun.MAX_TAG_VALUE))));
      info = client.createRun(req.build());
    } catch (MlflowHttpException e) {
      if (!MlflowServerRun.retryable(e.getStatusCode())) {
        throw refused(e, "start a run in experiment '" + start.experiment() + "'");
      }
      return fallBack(start);
    } catch (MlflowClientException e) {
      return fallBack(start);
    }
    return new MlflowServerRun(client, http, info.getRunId(), expId, info.getArtifactUri(),
        spoolRoot, warnings, finishWait);
  }

  /**
   * Continues run {@code runId} on this server (status back to RUNNING through
   * {@code runs/update}); a run the server does not have, or has deleted, becomes a new run
   * tagged {@link RunTracker#RESUMED_FROM_TAG}. An unreachable server falls back as
   * {@link #start} does.
   */
  @Override
  public TrackedRun resume(String runId, RunStart start) {
    String experimentId;
    String artifactUri;
    try {
      String body = http.getOrNull("/api/2.0/mlflow/runs/get?run_id="
          + URLEncoder.encode(runId, StandardCharsets.UTF_8));
      JsonObject info = body == null ? null
          : JsonParser.parseString(body).getAsJsonObject().getAsJsonObject("run")
              .getAsJsonObject("info");
      if (info == null || "deleted".equals(stringOr(info, "lifecycle_stage", "active"))) {
        return start(RunTracker.resumedFrom(runId, start));
      }
      experimentId = stringOr(info, "experiment_id", "");
      artifactUri = stringOr(info, "artifact_uri", "");
      JsonObject update = new JsonObject();
      update.addProperty("run_id", runId);
      update.addProperty("status", "RUNNING");
      client.sendPost("runs/update", update.toString());
    } catch (ServerHttp.StatusException e) {
      if (!e.retryable()) {
        throw new DfkdException("MLflow server " + host() + " refused to look up run " + runId
            + " (" + e.getMessage() + "); check the credentials and the server's logs");
      }
      return fallBackResume(runId, start);
    } catch (MlflowHttpException e) {
      if (!MlflowServerRun.retryable(e.getStatusCode())) {
        throw refused(e, "resume run " + runId);
      }
      return fallBackResume(runId, start);
    } catch (IOException | MlflowClientException e) {
      return fallBackResume(runId, start);
    }
    return new MlflowServerRun(client, http, runId, experimentId, artifactUri, spoolRoot,
        warnings, finishWait);
  }

  private static String stringOr(JsonObject o, String key, String fallback) {
    return o.has(key) && !o.get(key).isJsonNull() ? o.get(key).getAsString() : fallback;
  }

  @Override
  public List<RunRecord> searchRuns(String experiment) {
    try {
      Optional<String> expId = experimentId(experiment, false);
      if (expId.isEmpty()) {
        return List.of();
      }
      List<RunRecord> out = new ArrayList<>();
      String token = null;
      do {
        var page = client.searchRuns(List.of(expId.get()), "", Service.ViewType.ACTIVE_ONLY,
            1000, List.of("attributes.start_time DESC"), token);
        for (Service.Run r : page.getItems()) {
          out.add(record(r));
        }
        token = page.getNextPageToken().orElse(null);
      } while (token != null && !token.isEmpty());
      return out;
    } catch (MlflowHttpException e) {
      if (!MlflowServerRun.retryable(e.getStatusCode())) {
        throw refused(e, "search runs of experiment '" + experiment + "'");
      }
      throw unreachable();
    } catch (MlflowClientException e) {
      throw unreachable();
    }
  }

  private static RunRecord record(Service.Run r) {
    Map<String, String> params = new LinkedHashMap<>();
    r.getData().getParamsList().forEach(p -> params.put(p.getKey(), p.getValue()));
    Map<String, Double> metrics = new LinkedHashMap<>();
    r.getData().getMetricsList().forEach(m -> metrics.put(m.getKey(), m.getValue()));
    Map<String, String> tags = new LinkedHashMap<>();
    r.getData().getTagsList().forEach(t -> tags.put(t.getKey(), t.getValue()));
    String name = r.getInfo().getRunName().isEmpty()
        ? tags.getOrDefault("mlflow.runName", r.getInfo().getRunId()) : r.getInfo().getRunName();
    return new RunRecord(r.getInfo().getRunId(), name, r.getInfo().getStatus().name(), params,
        metrics, tags);
  }

  private Optional<String> experimentId(String name, boolean create) {
    Optional<Service.Experiment> found = findExperiment(name);
    if (found.isPresent()) {
      if ("deleted".equals(found.get().getLifecycleStage())) {
        throw new DfkdException("experiment '" + name + "' is deleted on " + host()
            + "; restore it (mlflow experiments restore) or choose another name");
      }
      return Optional.of(found.get().getExperimentId());
    }
    if (!create) {
      return Optional.empty();
    }
    try {
      return Optional.of(client.createExperiment(name));
    } catch (MlflowHttpException e) {
      // Another process created it between our lookup and our create.
      Optional<Service.Experiment> again = findExperiment(name);
      if (again.isPresent()) {
        return Optional.of(again.get().getExperimentId());
      }
      throw e;
    }
  }

  /**
   * Looks an experiment up by exact name, deleted ones included. Uses experiments/search, not
   * get-by-name: the 2.17.2 client retries every HTTP error three times and logs a warning for
   * each, so a 404 for a new experiment would spam the log.
   */
  private Optional<Service.Experiment> findExperiment(String name) {
    if (name.contains("'") && name.contains("\"")) {
      return client.getExperimentByName(name);
    }
    String quoted = name.contains("'") ? "\"" + name + "\"" : "'" + name + "'";
    var page = client.searchExperiments("name = " + quoted, Service.ViewType.ALL, 10, List.of());
    return page.getItems().stream().filter(e -> e.getName().equals(name)).findFirst();
  }

  private TrackedRun fallBack(RunStart start) {
    if (config.required()) {
      throw unreachable();
    }
    RunTracker local = config.embeddedStore().get();
    TrackedRun run = local.start(start);
    warnings.accept("rgal: MLflow server " + host() + " is unreachable; run " + run.runId()
        + " is tracked in the embedded store " + config.localStore() + " instead");
    return run;
  }

  private TrackedRun fallBackResume(String runId, RunStart start) {
    if (config.required()) {
      throw unreachable();
    }
    RunTracker local = config.embeddedStore().get();
    TrackedRun run = local.resume(runId, start);
    warnings.accept("rgal: MLflow server " + host() + " is unreachable; resumed run " + runId
        + " is tracked in the embedded store " + config.localStore() + " as run " + run.runId()
        + " instead");
    return run;
  }

  private DfkdException unreachable() {
    return new DfkdException("MLflow server " + host() + " is unreachable and tracking is"
        + " required; start it (scripts/mlflow-server.sh start) or check the tracking URI");
  }

  private DfkdException refused(MlflowHttpException e, String what) {
    if (e.getStatusCode() == 401 || e.getStatusCode() == 403) {
      return new DfkdException("MLflow server " + host() + " refused the credentials (HTTP "
          + e.getStatusCode() + "); set MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD or"
          + " MLFLOW_TRACKING_TOKEN");
    }
    String msg = String.valueOf(e.getBodyMessage()).replaceAll("\\s+", " ");
    return new DfkdException("MLflow server " + host() + " refused to " + what + " (HTTP "
        + e.getStatusCode() + ": " + (msg.length() > 200 ? msg.substring(0, 200) : msg)
        + "); check the experiment name and the server's logs");
  }

  /** Sends what earlier processes could not, for runs on this server. */
  private void deliverLeftovers() {
    for (Spool.Leftover left : Spool.leftovers(spoolRoot)) {
      String host = left.identity().has("host") ? left.identity().get("host").getAsString() : "";
      if (!host.equals(host())) {
        left.spool().release();
        continue;
      }
      MlflowServerRun run = MlflowServerRun.recover(client, http, left, spoolRoot, warnings);
      if (!run.flush()) {
        run.release();
      }
    }
  }
}
