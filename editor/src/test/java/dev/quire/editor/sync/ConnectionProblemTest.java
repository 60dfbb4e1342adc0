package dev.quire.editor.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import javax.net.ssl.SSLHandshakeException;
import org.java_websocket.exceptions.InvalidHandshakeException;
import org.junit.jupiter.api.Test;

class ConnectionProblemTest {
  private static final URI RELAY = URI.create("ws://relay.example:7070");

  @Test
  void eachFailureIsNamedWithWhere() {
    assertThat(ConnectionProblem.describe(RELAY, new ConnectException("x"), -1, "x"))
        .isEqualTo("connection refused: nothing listens on relay.example:7070");
    assertThat(ConnectionProblem.describe(RELAY, new UnknownHostException("x"), -1, "x"))
        .isEqualTo("unknown host relay.example");
    assertThat(ConnectionProblem.describe(RELAY, new SocketTimeoutException("x"), -1, "x"))
        .isEqualTo("no answer from relay.example:7070");
    assertThat(
            ConnectionProblem.describe(
                URI.create("wss://relay.example"), new SSLHandshakeException("bad cert"), -1, ""))
        .isEqualTo("TLS failed with relay.example:443: bad cert");
    assertThat(
            ConnectionProblem.describe(
                RELAY, new RuntimeException(new InvalidHandshakeException("404")), 1002, ""))
        .isEqualTo("relay.example:7070 is not a WebSocket endpoint (404)");
  }

  @Test
  void withoutAnErrorTheRelaysReasonStands() {
    assertThat(
            ConnectionProblem.describe(RELAY, null, 1001, "SHUTTING_DOWN: the relay is stopping"))
        .isEqualTo("SHUTTING_DOWN: the relay is stopping");
    assertThat(ConnectionProblem.describe(RELAY, null, 1006, ""))
        .isEqualTo("closed with code 1006");
  }
}
