package dev.quire.relay;

import static dev.quire.relay.RelayFixture.append;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.ProtocolCodec;
import dev.quire.ot.protocol.ServerMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Health, metrics, open mode and start-up refusals. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OperationsTest {
  @TempDir Path dir;

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void healthAndMetrics_areServedOnTheirOwnPort() throws Exception {
    try (Relay relay = RelayFixture.start(dir, b -> b.metricsPort(0))) {
      TestClient alice = TestClient.login(relay.port(), relay.store().users().add("alice"), "ca");
      RelayFixture.create(alice, "doc");
      alice.send(new ClientMessage.Open("doc", 0, false));
      alice.expect(ServerMessage.History.class);
      alice.send(new ClientMessage.Submit("doc", append("ca", 1, 0, 0, "hi")));
      alice.expectAck();
      alice.send(new ClientMessage.Submit("doc", append("ca", 2, 5, 0, "x")));
      alice.expectError(ErrorCode.BASE_AHEAD);

      HttpResponse<String> health = get(relay.metricsPort(), "/health");
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).isEqualTo("ok\n");
      assertThat(get(relay.metricsPort(), "/nothing").statusCode()).isEqualTo(404);

      String metrics = get(relay.metricsPort(), "/metrics").body();
      assertThat(metrics)
          .contains("quire_relay_connections 1")
          .contains("quire_relay_operations_accepted_total 1")
          .contains("quire_relay_operations_rejected_total{reason=\"BASE_AHEAD\"} 1")
          .contains("quire_relay_commit_seconds_count 1")
          .contains("quire_relay_pending_tasks")
          .contains("quire_relay_outgoing_queued_bytes")
          .contains("quire_relay_documents_open");
    }
  }

  @Test
  void close_stopsEveryThreadItStarted() throws Exception {
    java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
    try (Relay relay = RelayFixture.start(dir)) {
      TestClient alice = TestClient.login(relay.port(), relay.store().users().add("alice"), "ca");
      RelayFixture.create(alice, "doc");
      alice.send(new ClientMessage.Submit("doc", append("ca", 1, 0, 0, "hi")));
      alice.expectAck(); // the journal and commit threads have had work
      assertThat(relayThreads(before))
          .as("the threads this test looks for")
          .anyMatch(n -> n.startsWith("quire-doc"))
          .anyMatch(n -> n.startsWith("quire-relay-timer"))
          .anyMatch(n -> n.startsWith("quire-load"))
          .contains("quire-journal", "quire-commit")
          .anyMatch(n -> n.startsWith("WebSocketSelector"))
          .anyMatch(n -> n.startsWith("WebSocketWorker"));
      alice.closeBlocking(); // the client's own WebSocket threads end with it
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < deadline && !relayThreads(before).isEmpty()) {
      Thread.sleep(50); // bounded poll: a stopped thread may take a moment to end
    }
    assertThat(relayThreads(before)).isEmpty();
  }

  /**
   * Live threads started since {@code before} by the relay (its own, named {@code quire-*}) or by
   * Java-WebSocket ({@code WebSocket*}, {@code connectionLostChecker*}).
   */
  private static java.util.List<String> relayThreads(java.util.Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> !before.contains(t) && t.isAlive())
        .map(Thread::getName)
        .filter(
            n ->
                n.startsWith("quire-")
                    || n.startsWith("WebSocket")
                    || n.startsWith("connectionLostChecker"))
        .toList();
  }

  @Test
  void openMode_letsAnyoneInAsGuestEditor() throws Exception {
    try (Relay relay = RelayFixture.start(dir, b -> b.openMode(true))) {
      TestClient a = TestClient.connect(relay.port());
      a.send(new ClientMessage.Hello(ProtocolCodec.VERSION, "", "ca"));
      assertThat(a.expect(ServerMessage.Welcome.class).user()).isEqualTo("guest");
      RelayFixture.create(a, "demo");
      TestClient b = TestClient.login(relay.port(), "anything", "cb");
      b.send(new ClientMessage.Submit("demo", append("cb", 1, 0, 0, "hi")));
      b.expectAck();
      b.send(new ClientMessage.ListDocuments());
      assertThat(b.expect(ServerMessage.Documents.class).documents()).hasSize(1);
    }
  }

  @Test
  void openMode_onANetworkAddress_needsExplicitPermission() {
    assertThatThrownBy(() -> RelayFixture.config(dir).openMode(true).bind("0.0.0.0").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--allow-open-on-network");
  }

  @Test
  void portInUse_failsToStartWithAClearMessage_andReleasesTheData() throws Exception {
    try (Relay first = RelayFixture.start(dir.resolve("a"))) {
      assertThatThrownBy(() -> RelayFixture.start(dir.resolve("b"), b -> b.port(first.port())))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("cannot start the relay");
      try (Relay again = RelayFixture.start(dir.resolve("b"))) {
        assertThat(again.port()).isPositive();
      }
    }
  }
}
