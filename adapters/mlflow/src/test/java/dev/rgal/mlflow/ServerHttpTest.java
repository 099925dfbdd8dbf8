package dev.rgal.mlflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;

/** The client's own HTTP: header, URL and status handling, against a recording stub. */
class ServerHttpTest {
  @TempDir Path tmp;

  @Test
  void uploadsCarryTheCredentialsAndGoToTheProxyPath() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    byte[][] body = new byte[1][];
    HttpServer stub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    stub.createContext("/", ex -> {
      seen.add(ex.getRequestMethod() + " " + ex.getRequestURI().getRawPath() + " "
          + ex.getRequestHeaders().getFirst("Authorization") + " "
          + ex.getRequestHeaders().getFirst("Content-Type"));
      body[0] = ex.getRequestBody().readAllBytes();
      int code = ex.getRequestURI().getPath().contains("forbidden") ? 403 : 200;
      ex.sendResponseHeaders(code, -1);
      ex.close();
    });
    stub.start();
    try {
      String host = "http://127.0.0.1:" + stub.getAddress().getPort();
      ServerHttp http = new ServerHttp(new BasicMlflowHostCreds(host, "ann", "s3cret"),
          Duration.ofSeconds(2), Duration.ofSeconds(5));
      assertTrue(http.reachable());
      Path png = tmp.resolve("a grid.png");
      Files.write(png, new byte[] {(byte) 0x89, 'P', 'N', 'G'});
      var target = http.uploadUri("mlflow-artifacts:/7/abc/artifacts", "samples/e1", "a grid.png");
      assertEquals(host + "/api/2.0/mlflow-artifacts/artifacts/7/abc/artifacts/samples/e1/a%20grid.png",
          target.toString());
      http.put(target, png);
      String basic = "Basic " + Base64.getEncoder().encodeToString(
          "ann:s3cret".getBytes(StandardCharsets.UTF_8));
      assertEquals("GET /health " + basic + " null", seen.get(0));
      assertEquals("PUT /api/2.0/mlflow-artifacts/artifacts/7/abc/artifacts/samples/e1/a%20grid.png "
          + basic + " image/png", seen.get(1));
      assertArrayEquals(Files.readAllBytes(png), body[0]);

      ServerHttp.StatusException e = assertThrows(ServerHttp.StatusException.class,
          () -> http.put(http.uploadUri("mlflow-artifacts:/forbidden", "", "x.png"), png));
      assertEquals(403, e.status);
      assertTrue(!e.retryable());

      ServerHttp bearer = new ServerHttp(new BasicMlflowHostCreds(host, "tok"),
          Duration.ofSeconds(2), Duration.ofSeconds(5));
      assertTrue(bearer.reachable());
      assertTrue(seen.get(seen.size() - 1).contains("Bearer tok"));
    } finally {
      stub.stop(0);
    }
  }

  @Test
  void theJavaClientGetsTimeouts() {
    // Without them a stalled server blocks a run forever (ServerRestartTest shows the effect).
    try (var client = new org.mlflow.tracking.MlflowClient("http://127.0.0.1:9")) {
      assertTrue(ClientTimeouts.apply(client, Duration.ofSeconds(1), Duration.ofSeconds(1)));
    }
  }

  @Test
  void artifactUrisThatAreNotHttpAreLeftToOtherWriters() {
    ServerHttp http = new ServerHttp(new BasicMlflowHostCreds("http://h:1"),
        Duration.ofSeconds(1), Duration.ofSeconds(1));
    assertNull(http.uploadUri("file:///tmp/x", "", "a"));
    assertNull(http.uploadUri("s3://bucket/x", "", "a"));
    assertEquals("http://other:9/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/a",
        http.uploadUri("mlflow-artifacts://other:9/1/r/artifacts", "", "a").toString());
    assertEquals(Path.of("/tmp/x"), MlflowServerRun.localPath("file:///tmp/x"));
    assertNull(MlflowServerRun.localPath("mlflow-artifacts:/1/r/artifacts"));
  }
}
