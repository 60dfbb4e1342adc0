package dev.quire.relay.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Collection;
import java.util.Properties;
import java.util.function.Supplier;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learns of other relays' commits: listens on {@value #CHANNEL} (PostgreSQL {@code LISTEN}) on a
 * connection of its own, and reports each notice "document D now has head H". Notifications are
 * only a wake-up: one may be lost (this connection broken meanwhile) or several merged, so every
 * {@code pollEvery} it also reads the heads of the documents the relay has open and reports those;
 * whoever is told a head it already has ignores it. After its connection breaks it reconnects, and
 * polls at once.
 */
final class PgHeadListener implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PgHeadListener.class);

  /** The channel relays notify on; payload {@code "HEAD DOC"} (document ids hold no space). */
  static final String CHANNEL = "quire_heads";

  private static final long RECONNECT_MAX_MILLIS = 5_000;

  /** Told each head learnt; on the listener's thread. */
  @FunctionalInterface
  interface Heads {
    void head(String doc, long head);
  }

  private final PgUrl url;
  private final Supplier<Collection<String>> watched;
  private final Heads heads;
  private final long pollMillis;
  private final Thread thread;
  private volatile boolean closed;
  private volatile Connection connection; // null while disconnected

  /**
   * Starts listening.
   *
   * @param watched the documents whose heads to poll: those the relay has open
   */
  PgHeadListener(PgUrl url, Supplier<Collection<String>> watched, Heads heads, Duration pollEvery) {
    this.url = url;
    this.watched = watched;
    this.heads = heads;
    this.pollMillis = Math.max(1, pollEvery.toMillis());
    this.thread = new Thread(this::run, "pg-head-listener");
    thread.setDaemon(true);
    thread.start();
  }

  /** A payload for {@code pg_notify}: tiny, far below PostgreSQL's 8,000-byte limit. */
  static String payload(String doc, long head) {
    return head + " " + doc;
  }

  private void run() {
    long backoff = 100;
    while (!closed) {
      try (Connection c = connect()) {
        connection = c;
        backoff = 100;
        poll(c); // what was missed while not listening
        long nextPoll = System.nanoTime() + pollMillis * 1_000_000;
        while (!closed) {
          long wait = Math.max(1, (nextPoll - System.nanoTime()) / 1_000_000);
          PGNotification[] notices =
              c.unwrap(PGConnection.class)
                  .getNotifications((int) Math.min(wait, Integer.MAX_VALUE));
          if (notices != null) {
            for (PGNotification n : notices) {
              report(n.getParameter());
            }
          }
          if (System.nanoTime() - nextPoll >= 0) {
            poll(c);
            nextPoll = System.nanoTime() + pollMillis * 1_000_000;
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (closed) {
          return;
        }
        log.warn("Listening for other relays' commits failed ({}); retrying", e.getMessage());
      } finally {
        connection = null;
      }
      try {
        Thread.sleep(backoff); // the database is away: wait before connecting again
      } catch (InterruptedException e) {
        return;
      }
      backoff = Math.min(RECONNECT_MAX_MILLIS, backoff * 2);
    }
  }

  private Connection connect() throws SQLException {
    Properties props = new Properties();
    url.user().ifPresent(u -> props.setProperty("user", u));
    url.password().ifPresent(p -> props.setProperty("password", p));
    props.setProperty("ApplicationName", "quire-relay-listener");
    Connection c = DriverManager.getConnection(url.jdbcUrl(), props);
    try (Statement s = c.createStatement()) {
      s.execute("LISTEN " + CHANNEL);
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return c;
  }

  private void poll(Connection c) throws SQLException {
    Collection<String> docs = watched.get();
    if (docs.isEmpty()) {
      return;
    }
    try (PreparedStatement s =
        c.prepareStatement("SELECT id, head FROM documents WHERE id = ANY (?)")) {
      s.setArray(1, c.createArrayOf("varchar", docs.toArray()));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          heads.head(rs.getString(1), rs.getLong(2));
        }
      }
    }
  }

  private void report(String payload) {
    int space = payload.indexOf(' ');
    try {
      heads.head(payload.substring(space + 1), Long.parseLong(payload.substring(0, space)));
    } catch (RuntimeException e) { // not ours, or a handler failed: the next poll covers it
      log.warn("Ignoring the notice '{}': {}", payload, e.toString());
    }
  }

  /** Stops listening; returns once the thread has ended. */
  @Override
  public void close() {
    closed = true;
    Connection c = connection;
    if (c != null) {
      try {
        c.close(); // wakes the thread from getNotifications
      } catch (SQLException ignored) {
        // closing anyway
      }
    }
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
