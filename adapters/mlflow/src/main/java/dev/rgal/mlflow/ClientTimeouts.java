package dev.rgal.mlflow;

import java.lang.reflect.Field;
import java.time.Duration;
import org.mlflow.tracking.MlflowClient;
import org.mlflow_project.apachehttp.client.config.RequestConfig;
import org.mlflow_project.apachehttp.impl.client.CloseableHttpClient;
import org.mlflow_project.apachehttp.impl.client.HttpClientBuilder;

/**
 * Gives the Java client's HTTP connection timeouts. mlflow-client 2.17.2 (the last release)
 * builds its Apache client with none, so a server that accepts connections but never answers
 * (stopped process, dead proxy) would block a training loop forever. The client offers no
 * setting, so the prepared HTTP client is put into its (private) caller by reflection; if that
 * ever fails the client keeps its own, and only the hang protection is lost.
 */
final class ClientTimeouts {
  private ClientTimeouts() {}

  /** True when the timeouts were installed. */
  static boolean apply(MlflowClient client, Duration connect, Duration socket) {
    try {
      RequestConfig config = RequestConfig.custom()
          .setConnectTimeout((int) connect.toMillis())
          .setConnectionRequestTimeout((int) connect.toMillis())
          .setSocketTimeout((int) socket.toMillis())
          .build();
      CloseableHttpClient http = HttpClientBuilder.create().setDefaultRequestConfig(config)
          .build();
      Field callerField = MlflowClient.class.getDeclaredField("httpCaller");
      callerField.setAccessible(true);
      Object caller = callerField.get(client);
      Field httpField = caller.getClass().getDeclaredField("httpClient");
      httpField.setAccessible(true);
      httpField.set(caller, http);
      return true;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return false;
    }
  }
}
