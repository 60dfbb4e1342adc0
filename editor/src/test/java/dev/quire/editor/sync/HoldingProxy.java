package dev.quire.editor.sync;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy in front of a relay that can stop passing bytes one way: holding the relay's replies
 * keeps an acknowledgement from the client, holding the client's requests keeps a batch from the
 * relay. Either way the batch stays in flight until {@link #cut} closes every connection, as when a
 * relay machine vanishes. Bytes held are dropped, never delivered later.
 */
final class HoldingProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final int upstreamPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile boolean holdReplies;
  private volatile boolean holdRequests;

  HoldingProxy(int upstreamPort) throws IOException {
    this.upstreamPort = upstreamPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::acceptLoop, "proxy-accept");
    accept.setDaemon(true);
    accept.start();
  }

  URI uri() {
    return URI.create("ws://127.0.0.1:" + listener.getLocalPort() + "/");
  }

  /** From now on, what the relay sends is dropped: the client hears nothing more. */
  void holdReplies() {
    holdReplies = true;
  }

  /** From now on, what the client sends is dropped: the relay hears nothing more. */
  void holdRequests() {
    holdRequests = true;
  }

  /** Closes every connection through the proxy and accepts no more. */
  void cut() throws IOException {
    listener.close();
    for (Socket s : sockets) {
      s.close();
    }
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket relay = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
        sockets.add(client);
        sockets.add(relay);
        pipe(client, relay, true);
        pipe(relay, client, false);
      } catch (IOException e) {
        return; // cut
      }
    }
  }

  private void pipe(Socket from, Socket to, boolean requests) {
    Thread t =
        new Thread(
            () -> {
              byte[] buffer = new byte[8192];
              try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                for (int n; (n = in.read(buffer)) >= 0; ) {
                  if (!held(requests)) {
                    out.write(buffer, 0, n);
                    out.flush();
                  }
                }
                if (!held(requests)) {
                  to.close(); // pass the close on, unless this way is held: then cut() does
                }
              } catch (IOException e) {
                if (!held(requests)) {
                  closeQuietly(to); // a side failed: so does the other, unless held
                }
              }
            },
            requests ? "proxy-requests" : "proxy-replies");
    t.setDaemon(true);
    t.start();
  }

  private boolean held(boolean requests) {
    return requests ? holdRequests : holdReplies;
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() throws IOException {
    cut();
  }
}
