package dev.quire.editor.sync;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import javax.net.ssl.SSLException;
import org.java_websocket.exceptions.InvalidHandshakeException;

/** Why a connection to the relay failed or ended, in words a user can act on. */
final class ConnectionProblem {
  private ConnectionProblem() {}

  /**
   * The reason for {@code error} (what the WebSocket library reported, or null) or, without one,
   * for the close {@code code} and {@code reason}.
   */
  static String describe(URI relay, Throwable error, int code, String reason) {
    String where = relay.getHost() + ":" + port(relay);
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof ConnectException) {
        return "connection refused: nothing listens on " + where;
      } else if (t instanceof UnknownHostException) {
        return "unknown host " + relay.getHost();
      } else if (t instanceof SocketTimeoutException) {
        return "no answer from " + where;
      } else if (t instanceof NoRouteToHostException) {
        return "no route to " + where;
      } else if (t instanceof SSLException) {
        return "TLS failed with " + where + ": " + t.getMessage();
      } else if (t instanceof InvalidHandshakeException) {
        return where + " is not a WebSocket endpoint (" + t.getMessage() + ")";
      }
    }
    if (error != null) {
      return String.valueOf(error.getMessage() != null ? error.getMessage() : error);
    }
    if (code == 1002
        && reason != null
        && (reason.contains("status") || reason.contains("handshake"))) {
      return where + " is not a WebSocket endpoint (" + reason + ")";
    }
    return reason == null || reason.isEmpty() ? "closed with code " + code : reason;
  }

  private static int port(URI relay) {
    if (relay.getPort() >= 0) {
      return relay.getPort();
    }
    return "wss".equals(relay.getScheme()) ? 443 : 80;
  }
}
