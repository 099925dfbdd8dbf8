package dev.rgal.mlflow;

import java.net.URI;
import java.util.Base64;
import java.util.Map;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;
import org.mlflow.tracking.creds.MlflowHostCreds;
import org.mlflow.tracking.creds.MlflowHostCredsProvider;

/**
 * Server credentials. Never logged, never recorded: {@link #toString()} redacts them, and no
 * value of this type reaches a param, tag, artifact or message.
 *
 * @param username basic-auth user, or null
 * @param password basic-auth password, or null
 * @param token bearer token, or null
 */
public record MlflowCredentials(
    @Nullable String username, @Nullable String password, @Nullable String token) {

  /** No credentials. */
  public static MlflowCredentials none() {
    return new MlflowCredentials(null, null, null);
  }

  /**
   * From {@code MLFLOW_TRACKING_USERNAME}, {@code MLFLOW_TRACKING_PASSWORD} and
   * {@code MLFLOW_TRACKING_TOKEN}, the variables Python MLflow reads (the Java client does not).
   */
  public static MlflowCredentials fromEnvironment(Map<String, String> env) {
    return new MlflowCredentials(blankToNull(env.get("MLFLOW_TRACKING_USERNAME")),
        blankToNull(env.get("MLFLOW_TRACKING_PASSWORD")), blankToNull(env.get("MLFLOW_TRACKING_TOKEN")));
  }

  /**
   * Host credentials for the Java client. User info in the URI ({@code http://u:p@host}) is
   * used when no username is set, and always stripped from the host.
   */
  public MlflowHostCredsProvider provider(String trackingUri) {
    String host = stripUserInfo(trackingUri);
    String user = username;
    String pass = password;
    String info = URI.create(trackingUri).getRawUserInfo();
    if (user == null && info != null) {
      int colon = info.indexOf(':');
      user = java.net.URLDecoder.decode(colon < 0 ? info : info.substring(0, colon),
          StandardCharsets.UTF_8);
      pass = colon < 0 ? null : java.net.URLDecoder.decode(info.substring(colon + 1),
          StandardCharsets.UTF_8);
    }
    return new BasicMlflowHostCreds(host, user, pass, token, false);
  }

  /** The URI without user info and without a trailing slash (which would give {@code //api}). */
  public static String stripUserInfo(String uri) {
    URI u = URI.create(uri.strip());
    String s = u.getRawUserInfo() == null ? uri.strip()
        : uri.strip().replace(u.getRawUserInfo() + "@", "");
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    return s;
  }

  /** The Authorization header value for given host credentials, or null for none. */
  static @Nullable String authorization(MlflowHostCreds creds) {
    if (creds.getUsername() != null && creds.getPassword() != null) {
      String pair = creds.getUsername() + ":" + creds.getPassword();
      return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }
    if (creds.getToken() != null) {
      return "Bearer " + creds.getToken();
    }
    return null;
  }

  private static @Nullable String blankToNull(@Nullable String s) {
    return s == null || s.isBlank() ? null : s;
  }

  @Override
  public String toString() {
    return "MlflowCredentials[username=" + (username == null ? "none" : "***") + ", password="
        + (password == null ? "none" : "***") + ", token=" + (token == null ? "none" : "***") + "]";
  }
}
