package dev.quire.relay.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.relay.store.DocumentFeed;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two relays' feeds on one database: each hears the other's notices at once (NOTIFY), never its
 * own, and a head that moved without a notice through the bounded poll.
 */
class PgDocumentFeedTest {
  private PostgresStorage storage;
  private PgUrl url;

  @BeforeEach
  void open() {
    url = PgUrl.of(PostgresServer.freshDatabase(), Map.of());
    storage = PostgresStorage.open(url, 2);
    storage.users().add("alice");
    storage.documents().create("doc", "Shared", "alice", 1);
  }

  @AfterEach
  void close() {
    storage.close();
  }

  /** A feed whose notices go to {@code heard} as "doc@head". */
  private PgDocumentFeed feed(LinkedBlockingQueue<String> heard, Duration pollEvery) {
    PgDocumentFeed feed = new PgDocumentFeed(url, storage.database(), pollEvery, () -> {});
    feed.listen((doc, head) -> heard.add(doc + "@" + head));
    return feed;
  }

  private static @Nullable String next(LinkedBlockingQueue<String> heard, long millis)
      throws InterruptedException {
    return heard.poll(millis, TimeUnit.MILLISECONDS);
  }

  @Test
  void aNoticeReachesTheOtherRelayAtOnceAndNotItsSender() throws Exception {
    LinkedBlockingQueue<String> heardByA = new LinkedBlockingQueue<>();
    LinkedBlockingQueue<String> heardByB = new LinkedBlockingQueue<>();
    // A poll far beyond the test's waits: only notifications deliver here.
    try (PgDocumentFeed a = feed(heardByA, Duration.ofHours(1));
        PgDocumentFeed b = feed(heardByB, Duration.ofHours(1))) {
      // Each feed polls once it listens: the document, just created, is among those moved lately.
      assertThat(next(heardByA, 20_000)).isEqualTo("doc@0");
      assertThat(next(heardByB, 20_000)).isEqualTo("doc@0");
      a.publish("doc", 1000);
      assertThat(next(heardByB, 20_000)).isEqualTo("doc@1000");
      b.publish("doc", 1001);
      assertThat(next(heardByA, 20_000)).isEqualTo("doc@1001");
      assertThat(heardByA).isEmpty(); // nothing of its own
      assertThat(heardByB).isEmpty();
    }
  }

  @Test
  void aHeadThatMovedWithoutANoticeIsAnnouncedByThePoll() throws Exception {
    LinkedBlockingQueue<String> heard = new LinkedBlockingQueue<>();
    try (PgDocumentFeed feed = feed(heard, Duration.ofMillis(200))) {
      assertThat(next(heard, 20_000)).isEqualTo("doc@0"); // listening, and polled once
      // As another relay's commit whose notice was lost: the head moves, nobody notifies.
      try (Connection c = storage.database().connection();
          Statement s = c.createStatement()) {
        s.executeUpdate("UPDATE documents SET head = 7, moved_at = now() WHERE id = 'doc'");
      }
      assertThat(next(heard, 20_000)).isEqualTo("doc@7");
    }
  }

  @Test
  void aChangedNoticeReachesTheOtherRelay_andAfterItsListenerWasCutOffAnyDocumentMayHaveChanged()
      throws Exception {
    LinkedBlockingQueue<String> heardByB = new LinkedBlockingQueue<>();
    try (PgDocumentFeed a = feed(new LinkedBlockingQueue<>(), Duration.ofHours(1));
        PgDocumentFeed b =
            new PgDocumentFeed(url, storage.database(), Duration.ofHours(1), () -> {})) {
      b.listen(
          new DocumentFeed.Listener() {
            @Override
            public void moved(String doc, long head) {}

            @Override
            public void changed(String doc) {
              heardByB.add(doc + " changed");
            }

            @Override
            public void changedAny() {
              heardByB.add("any changed");
            }
          });
      // Until b listens, a's notice may go unheard: announce until one arrives.
      String first = null;
      for (int i = 0; i < 100 && first == null; i++) {
        a.changed("doc");
        first = next(heardByB, 200);
      }
      assertThat(first).isEqualTo("doc changed");
      heardByB.clear();
      // Cut b's listening connection, as a network failure or a database restart would.
      try (Connection c = storage.database().connection();
          Statement s = c.createStatement()) {
        s.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                + " WHERE application_name = 'quire-relay-feed' AND pid <> pg_backend_pid()");
      }
      assertThat(next(heardByB, 30_000)).isEqualTo("any changed");
    }
  }

  @Test
  void aTokenMadeOrRevokedElsewhereIsKnownToARunningRelaySoon() throws Exception {
    try (PostgresStorage relay = PostgresStorage.open(url, 2)) {
      relay.startAppender(nanos -> {}); // running: it listens
      String token;
      try (PostgresStorage admin = PostgresStorage.open(url, 2)) { // an admin command
        token = admin.users().add("bob");
      }
      // The relay answers from memory, which the notification refreshes.
      assertThat(await(() -> relay.users().authenticate(token).isPresent())).isTrue();
      assertThat(relay.users().authenticate(token)).contains("bob");
      try (PostgresStorage admin = PostgresStorage.open(url, 2)) {
        admin.users().revoke("bob");
      }
      assertThat(await(() -> relay.users().authenticate(token).isEmpty())).isTrue();
    }
  }

  /** Polls {@code condition} for up to 20 s. */
  private static boolean await(java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(20); // polling a condition with a deadline, not waiting for time to pass
    }
    return condition.getAsBoolean();
  }
}
