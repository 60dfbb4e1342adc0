package dev.quire.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.java_websocket.WebSocket;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.junit.jupiter.api.Test;

class SessionTest {

  /** A connection that looks open but is gone by the time anything is sent. */
  private static WebSocket vanishing(AtomicInteger sends) {
    return (WebSocket)
        Proxy.newProxyInstance(
            WebSocket.class.getClassLoader(),
            new Class<?>[] {WebSocket.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "isOpen" -> true;
                  case "hasBufferedData" -> false;
                  case "send" -> {
                    sends.incrementAndGet();
                    throw new WebsocketNotConnectedException();
                  }
                  default -> null;
                });
  }

  @Test
  void sendJson_toAConnectionThatJustClosed_neverThrows() {
    // Regression: the exception escaped from an ack after the commit, and the broadcast to the
    // document's other subscribers was skipped.
    AtomicInteger sends = new AtomicInteger();
    RelayConfig config = RelayConfig.builder(Path.of("unused")).build();
    Session s =
        new Session(vanishing(sends), "s1", config, new RelayMetrics(() -> 0, () -> 0), null, null);
    assertThatCode(() -> s.sendJson("{\"type\":\"ack\"}")).doesNotThrowAnyException();
    assertThat(s.isClosing()).isTrue();
    s.sendJson("{}");
    assertThat(sends).hasValue(1); // nothing more is tried once it is known to be gone
  }

  @Test
  void helloAndItsTimeout_exactlyOneWins() {
    RelayConfig config = RelayConfig.builder(Path.of("unused")).build();
    RelayMetrics metrics = new RelayMetrics(() -> 0, () -> 0);
    Session greeted =
        new Session(vanishing(new AtomicInteger()), "s1", config, metrics, null, null);
    assertThat(greeted.helloArrived()).isTrue();
    assertThat(greeted.helloTimedOut()).isFalse();
    assertThat(greeted.helloArrived()).isTrue(); // later messages of a greeted connection
    Session silent = new Session(vanishing(new AtomicInteger()), "s2", config, metrics, null, null);
    assertThat(silent.helloTimedOut()).isTrue();
    assertThat(silent.helloArrived()).isFalse();
  }
}
