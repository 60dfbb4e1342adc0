package dev.quire.relay.postgres;

import dev.quire.relay.store.DocumentFeed;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays on one PostgreSQL database tell each other "document D now has head H" through {@code
 * NOTIFY} on the channel {@value #CHANNEL}, used only as a wake-up: the batches are read from the
 * database. A payload is {@code "HEAD SENDER DOC"}, {@code "changed SENDER DOC"} when a document's
 * row or roles changed, or {@code "shared SENDER DOC USER"} when a user's role changed; a few dozen
 * bytes (PostgreSQL allows under 8,000; a document id is at most a few hundred). The sender id lets
 * each relay skip its own notices.
 *
 * <p>Publishing never blocks: notices wait in a queue, and a thread sends what has gathered in one
 * statement. Listening takes a connection of its own (not the pool's), held while the relay runs. A
 * notification can be lost (that connection broken, or a relay stopped between its commit and the
 * notice): so every {@code pollEvery} the listener also reads the documents whose head moved in the
 * last {@code pollEvery} plus {@value #POLL_MARGIN_SECONDS} s (by the database's clock, {@code
 * documents.moved_at}) and announces each head it had not heard of. After its connection breaks it
 * connects again, and polls at once; and since "changed" notices have no poll, it then tells the
 * listener that any document may have changed.
 */
final class PgDocumentFeed implements DocumentFeed {
  private static final Logger log = LoggerFactory.getLogger(PgDocumentFeed.class);
  static final String CHANNEL = "quire_heads";
  // Covers a transaction that moved a head but committed up to this long after (a poll sees a
  // head only once committed, and moved_at is set before the commit).
  static final int POLL_MARGIN_SECONDS = 10;
  private static final long RECONNECT_MAX_MILLIS = 5_000;
  private static final int MAX_KNOWN = 100_000;
  static final int USERS_REFRESH_SECONDS = 10;

  private final PgUrl url;
  private final PgDatabase db;
  private final long pollMillis;
  private final String sender;
  private final LinkedBlockingQueue<String> outbox = new LinkedBlockingQueue<>();
  // The newest head this relay published or announced, per document: older ones are not told.
  private final Map<String, Long> known = new ConcurrentHashMap<>();
  private final Runnable usersChanged;
  private final Thread publisher;
  private final Thread listenerThread;
  private volatile @Nullable Listener listener;
  private volatile boolean closed;
  private volatile @Nullable Connection listening; // null while disconnected
  private int connects; // listening connections made so far (listener thread)

  /**
   * Starts publishing and listening.
   *
   * @param usersChanged reads the users and tokens again; run on the listener's thread
   */
  PgDocumentFeed(PgUrl url, PgDatabase db, Duration pollEvery, Runnable usersChanged) {
    this.url = url;
    this.db = db;
    this.usersChanged = usersChanged;
    this.pollMillis = Math.max(1, pollEvery.toMillis());
    byte[] id = new byte[6];
    new SecureRandom().nextBytes(id);
    this.sender = HexFormat.of().formatHex(id);
    this.publisher = new Thread(this::publishLoop, "pg-feed-publisher");
    this.listenerThread = new Thread(this::listenLoop, "pg-feed-listener");
    publisher.setDaemon(true);
    listenerThread.setDaemon(true);
    publisher.start();
    listenerThread.start();
  }

  @Override
  public void publish(String doc, long head) {
    if (closed) {
      return;
    }
    known.merge(doc, head, Math::max);
    outbox.add(head + " " + sender + " " + doc);
  }

  @Override
  public void changed(String doc) {
    if (!closed) {
      outbox.add(CHANGED + " " + sender + " " + doc);
    }
  }

  private static final String CHANGED = "changed";

  @Override
  public void shared(String doc, String user) {
    if (!closed) {
      outbox.add(SHARED + " " + sender + " " + doc + " " + user);
    }
  }

  private static final String SHARED = "shared";

  @Override
  public void listen(Listener listener) {
    this.listener = listener;
  }

  private void publishLoop() {
    List<String> payloads = new ArrayList<>();
    while (true) {
      try {
        payloads.add(outbox.take());
      } catch (InterruptedException e) {
        return;
      }
      outbox.drainTo(payloads);
      boolean stop = payloads.remove(STOP);
      if (!payloads.isEmpty()) {
        send(payloads);
      }
      payloads.clear();
      if (stop) {
        return; // close() queued STOP after every notice published before it
      }
    }
  }

  private static final String STOP = "";

  private void send(List<String> payloads) {
    try {
      db.read(
          "notifying other relays",
          c -> {
            try (PreparedStatement s =
                c.prepareStatement(
                    "SELECT pg_notify('" + CHANNEL + "', p) FROM unnest(?::text[]) AS n(p)")) {
              s.setArray(1, c.createArrayOf("text", payloads.toArray()));
              s.execute();
            }
            return null;
          });
    } catch (RuntimeException e) { // the other relays' poll announces these heads
      log.warn("Could not notify other relays of {} head(s): {}", payloads.size(), e.getMessage());
    }
  }

  private void listenLoop() {
    long backoff = 100;
    while (!closed) {
      try (Connection c = connect()) {
        listening = c;
        backoff = 100;
        poll(c); // what was missed while not listening
        reloadUsers();
        if (connects++ > 0) {
          changedMeanwhile(); // renames, deletions and shares have no poll: read them all again
        }
        long nextPoll = System.nanoTime() + pollMillis * 1_000_000;
        long nextUsers = System.nanoTime() + USERS_REFRESH_SECONDS * 1_000_000_000L;
        while (!closed) {
          long wait = Math.max(1, (Math.min(nextPoll, nextUsers) - System.nanoTime()) / 1_000_000);
          PGNotification[] notices =
              c.unwrap(PGConnection.class).getNotifications((int) Math.min(wait, 60_000));
          boolean users = false;
          if (notices != null) {
            for (PGNotification n : notices) {
              if (PgUsers.CHANNEL.equals(n.getName())) {
                users = true; // several changes at once: one reload
              } else {
                received(n.getParameter());
              }
            }
          }
          if (System.nanoTime() - nextPoll >= 0) {
            poll(c);
            nextPoll = System.nanoTime() + pollMillis * 1_000_000;
          }
          if (users || System.nanoTime() - nextUsers >= 0) {
            reloadUsers();
            nextUsers = System.nanoTime() + USERS_REFRESH_SECONDS * 1_000_000_000L;
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (closed) {
          return;
        }
        log.warn(
            "Listening for other relays' commits failed ({}); connecting again", e.getMessage());
      } finally {
        listening = null;
      }
      try {
        Thread.sleep(backoff); // the database is away: wait before connecting again
      } catch (InterruptedException e) {
        return; // closed
      }
      backoff = Math.min(RECONNECT_MAX_MILLIS, backoff * 2);
    }
  }

  private void changedMeanwhile() {
    Listener l = listener;
    if (l != null) {
      try {
        l.changedAny();
      } catch (RuntimeException e) {
        log.error("The relay failed on reading its open documents again", e);
      }
    }
  }

  private void reloadUsers() {
    try {
      usersChanged.run();
    } catch (RuntimeException e) { // the pool is away too: the next refresh tries again
      log.warn("Could not read the users and tokens again: {}", e.getMessage());
    }
  }

  private Connection connect() throws SQLException {
    Properties props = new Properties();
    url.user().ifPresent(u -> props.setProperty("user", u));
    url.password().ifPresent(p -> props.setProperty("password", p));
    props.setProperty("ApplicationName", "quire-relay-feed");
    Connection c = DriverManager.getConnection(url.jdbcUrl(), props);
    try (Statement s = c.createStatement()) {
      s.execute("LISTEN " + CHANNEL);
      s.execute("LISTEN " + PgUsers.CHANNEL);
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return c;
  }

  /** Announces the heads that moved lately, whoever moved them, that this relay has not heard. */
  private void poll(Connection c) throws SQLException {
    Map<String, Long> moved = new LinkedHashMap<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT id, head FROM documents WHERE moved_at > now() - make_interval(secs => ?)")) {
      s.setDouble(1, pollMillis / 1000.0 + POLL_MARGIN_SECONDS);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          moved.put(rs.getString(1), rs.getLong(2));
        }
      }
    }
    if (known.size() > MAX_KNOWN) {
      known.keySet().retainAll(moved.keySet()); // forget documents quiet for a while
    }
    moved.forEach(this::announce);
  }

  private void received(String payload) {
    String[] parts = payload.split(" ", 3);
    if (parts.length != 3) {
      log.warn("Ignoring the notice '{}' on {}", payload, CHANNEL);
      return;
    }
    if (parts[1].equals(sender)) {
      return; // our own
    }
    if (parts[0].equals(SHARED)) {
      String[] docAndUser = parts[2].split(" ", 2); // neither holds a space
      Listener l = listener;
      if (l != null && docAndUser.length == 2) {
        try {
          l.shared(docAndUser[0], docAndUser[1]);
        } catch (RuntimeException e) {
          log.error("The relay failed on a notice that {} was shared", docAndUser[0], e);
        }
      }
      return;
    }
    if (parts[0].equals(CHANGED)) {
      Listener l = listener;
      if (l != null) {
        try {
          l.changed(parts[2]);
        } catch (RuntimeException e) {
          log.error("The relay failed on a notice that {} changed", parts[2], e);
        }
      }
      return;
    }
    try {
      announce(parts[2], Long.parseLong(parts[0]));
    } catch (NumberFormatException e) {
      log.warn("Ignoring the notice '{}' on {}", payload, CHANNEL);
    }
  }

  /** Tells the listener that {@code doc} is at {@code head}, unless this relay knew already. */
  private void announce(String doc, long head) {
    Long before = known.get(doc);
    if (before != null && before >= head) {
      return;
    }
    Listener l = listener;
    if (l == null) {
      return; // nobody listens yet: not marked as told, so the next poll announces it
    }
    known.merge(doc, head, Math::max);
    try {
      l.moved(doc, head);
    } catch (RuntimeException e) {
      log.error("The relay failed on a notice of {} at {}", doc, head, e);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    outbox.add(STOP);
    Connection c = listening;
    if (c != null) {
      try {
        c.close(); // wakes the listener from getNotifications
      } catch (SQLException ignored) {
        // closing anyway
      }
    }
    listenerThread.interrupt();
    join(publisher);
    join(listenerThread);
  }

  private static void join(Thread t) {
    try {
      t.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
