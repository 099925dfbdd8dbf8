package dev.rgal.mlflow;

import dev.rgal.api.DfkdException;
import dev.rgal.api.tracking.RunTracker;
import dev.rgal.api.tracking.RunTrackerFactory;
import dev.rgal.api.tracking.TrackerConfig;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.mlflow.tracking.creds.MlflowHostCredsProvider;

/**
 * Builds an {@link MlflowServerTracker} for an {@code http(s)} tracking URI; returns null for
 * any other configuration (no URI, {@code file:}), which the embedded store handles.
 *
 * <p>When the server does not answer, it returns the embedded store of {@link TrackerConfig#embeddedStore()} at
 * {@link TrackerConfig#localStore()} and prints one warning naming that directory, or throws
 * {@link DfkdException} when {@link TrackerConfig#required()}.
 *
 * <p>Immutable; the {@code with...} methods return changed copies.
 */
public final class MlflowTrackerFactory implements RunTrackerFactory {
  private final Function<String, MlflowHostCredsProvider> creds;
  private final Consumer<String> warnings;
  private final Duration finishWait;
  private final Duration requestTimeout;

  private MlflowTrackerFactory(Function<String, MlflowHostCredsProvider> creds,
      Consumer<String> warnings, Duration finishWait, Duration requestTimeout) {
    this.creds = creds;
    this.warnings = warnings;
    this.finishWait = finishWait;
    this.requestTimeout = requestTimeout;
  }

  /**
   * Credentials from {@code MLFLOW_TRACKING_USERNAME/PASSWORD/TOKEN} (read when a tracker is
   * created), warnings to standard error, and 30 s of retries at the end of a run.
   */
  public static MlflowTrackerFactory fromEnvironment() {
    return new MlflowTrackerFactory(
        uri -> MlflowCredentials.fromEnvironment(System.getenv()).provider(uri),
        System.err::println, Duration.ofSeconds(30), MlflowServerTracker.DEFAULT_REQUEST_TIMEOUT);
  }

  /** Uses fixed credentials instead of the environment's. */
  public MlflowTrackerFactory withCredentials(MlflowCredentials credentials) {
    return new MlflowTrackerFactory(credentials::provider, warnings, finishWait, requestTimeout);
  }

  /**
   * Uses a host-credentials provider built from the tracking URI (e.g. a Databricks-style
   * provider, or one that refreshes a token); its host is the server's base URL.
   */
  public MlflowTrackerFactory withHostCreds(Function<String, MlflowHostCredsProvider> provider) {
    return new MlflowTrackerFactory(provider, warnings, finishWait, requestTimeout);
  }

  /** Sends one-line warnings (fall-back, outages) somewhere else than standard error. */
  public MlflowTrackerFactory withWarnings(Consumer<String> sink) {
    return new MlflowTrackerFactory(creds, sink, finishWait, requestTimeout);
  }

  /** How long finishing a run keeps retrying an unreachable server before leaving a spool. */
  public MlflowTrackerFactory withFinishWait(Duration wait) {
    return new MlflowTrackerFactory(creds, warnings, wait, requestTimeout);
  }

  /**
   * The longest one server call may take (default 60 s); a server slower than that counts as
   * away and the run's calls are spooled, so a stalled server never blocks training for longer.
   */
  public MlflowTrackerFactory withRequestTimeout(Duration timeout) {
    return new MlflowTrackerFactory(creds, warnings, finishWait, timeout);
  }

  @Override
  public @Nullable RunTracker create(TrackerConfig config) {
    String uri = config.trackingUri();
    if (uri == null || !(uri.startsWith("http://") || uri.startsWith("https://"))) {
      return null;
    }
    MlflowHostCredsProvider provider = creds.apply(uri);
    ServerHttp probe = new ServerHttp(provider, Duration.ofSeconds(3), Duration.ofSeconds(10));
    if (!probe.reachable()) {
      if (config.required()) {
        throw new DfkdException("MLflow server " + probe.host() + " is unreachable and tracking"
            + " is required; start it (scripts/mlflow-server.sh start) or check the tracking URI");
      }
      RunTracker local = config.embeddedStore().get();
      warnings.accept("rgal: MLflow server " + probe.host() + " is unreachable; tracking runs in"
          + " the embedded store " + config.localStore() + " instead");
      return local;
    }
    return MlflowServerTracker.connect(config, provider, warnings, finishWait, requestTimeout);
  }
}
