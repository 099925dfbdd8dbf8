package dev.rgal.mlflow;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.mlflow.tracking.creds.MlflowHostCredsProvider;

/**
 * The calls the MLflow Java client cannot make: a reachability probe with timeouts (the client
 * has none, so it could hang on a dead host) and artifact uploads to the server's proxy.
 */
final class ServerHttp {
  /** An HTTP status outside 2xx; {@link #retryable()} for 408, 429 and 5xx. */
  static final class StatusException extends IOException {
    private static final long serialVersionUID = 1L;
    final int status;

    StatusException(int status, String message) {
      super(message);
      this.status = status;
    }

    boolean retryable() {
      return status == 408 || status == 429 || status >= 500;
    }
  }

  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

  private final HttpClient http;
  private final MlflowHostCredsProvider creds;
  private final Duration requestTimeout;

  ServerHttp(MlflowHostCredsProvider creds, Duration connectTimeout, Duration requestTimeout) {
    this.creds = creds;
    this.requestTimeout = requestTimeout;
    this.http = HttpClient.newBuilder().connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NORMAL).build();
  }

  String host() {
    return creds.getHostCreds().getHost();
  }

  /**
   * True when something answers HTTP at the host (any status: an auth error is "reachable" and
   * reported by the real call, with its own message).
   */
  boolean reachable() {
    try {
      // A probe must be quick whatever the request timeout: a stalled server is "away".
      HttpRequest req = request(URI.create(host() + "/health"))
          .timeout(requestTimeout.compareTo(PROBE_TIMEOUT) < 0 ? requestTimeout : PROBE_TIMEOUT)
          .GET().build();
      http.send(req, HttpResponse.BodyHandlers.discarding());
      return true;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * The URL to PUT a file to for a run's artifact URI, or null when the URI is not served over
   * HTTP ({@code file:}, bare paths, cloud stores).
   */
  @Nullable URI uploadUri(String artifactUri, String dir, String name) {
    String base;
    if (artifactUri.startsWith("mlflow-artifacts:")) {
      String rest = artifactUri.substring("mlflow-artifacts:".length());
      String server = host();
      if (rest.startsWith("//")) {
        // mlflow-artifacts://host:port/path names the serving host explicitly.
        int slash = rest.indexOf('/', 2);
        server = host().substring(0, host().indexOf("://") + 3)
            + rest.substring(2, slash < 0 ? rest.length() : slash);
        rest = slash < 0 ? "" : rest.substring(slash);
      }
      base = server + "/api/2.0/mlflow-artifacts/artifacts" + encodePath(rest);
    } else if (artifactUri.startsWith("http://") || artifactUri.startsWith("https://")) {
      base = artifactUri;
    } else {
      return null;
    }
    String rel = (dir.isEmpty() ? "" : dir + "/") + name;
    return URI.create(stripSlash(base) + encodePath(rel));
  }

  /**
   * GETs a REST path (e.g. {@code /api/2.0/mlflow/runs/get?run_id=...}) and returns the body,
   * or null for 404. Used where the Java client would retry a 404 three times with warnings.
   *
   * @throws StatusException for any other non-2xx answer
   */
  @Nullable String getOrNull(String pathAndQuery) throws IOException {
    HttpRequest req = request(URI.create(stripSlash(host()) + pathAndQuery)).GET().build();
    try {
      HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
      if (resp.statusCode() == 404) {
        return null;
      }
      if (resp.statusCode() / 100 != 2) {
        String body = resp.body();
        throw new StatusException(resp.statusCode(), "HTTP " + resp.statusCode() + " "
            + (body.length() > 200 ? body.substring(0, 200) : body).replaceAll("\\s+", " "));
      }
      return resp.body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** PUTs a file; throws {@link StatusException} for a non-2xx answer. */
  void put(URI target, Path file) throws IOException {
    String type = contentType(file);
    HttpRequest req = request(target).header("Content-Type", type)
        .PUT(HttpRequest.BodyPublishers.ofFile(file)).build();
    try {
      HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
      if (resp.statusCode() / 100 != 2) {
        String body = resp.body();
        throw new StatusException(resp.statusCode(), "HTTP " + resp.statusCode() + " "
            + (body.length() > 200 ? body.substring(0, 200) : body).replaceAll("\\s+", " "));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private HttpRequest.Builder request(URI uri) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(requestTimeout)
        .header("User-Agent", "rgal-mlflow");
    String auth = MlflowCredentials.authorization(creds.getHostCreds());
    if (auth != null) {
      b.header("Authorization", auth);
    }
    return b;
  }

  static String contentType(Path file) {
    String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (n.endsWith(".png")) {
      return "image/png";
    } else if (n.endsWith(".json")) {
      return "application/json";
    } else if (n.endsWith(".txt") || n.endsWith(".log") || n.endsWith(".csv")) {
      return "text/plain";
    }
    try {
      String probed = Files.probeContentType(file);
      return probed == null ? "application/octet-stream" : probed;
    } catch (IOException e) {
      return "application/octet-stream";
    }
  }

  /** Percent-encodes each segment; the result starts with '/' (empty segments are dropped). */
  private static String encodePath(String path) {
    StringBuilder sb = new StringBuilder();
    for (String seg : path.split("/")) {
      if (!seg.isEmpty()) {
        sb.append('/').append(URLEncoder.encode(seg, StandardCharsets.UTF_8).replace("+", "%20"));
      }
    }
    return sb.toString();
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
