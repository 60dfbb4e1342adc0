package dev.quire.relay.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Relays learn of each other's commits: by NOTIFY at once, by the bounded poll when one is lost.
 */
class PgHeadListenerTest {
  private PgUrl url;
  private PostgresStorage writer;
  private final LinkedBlockingQueue<String> heard = new LinkedBlockingQueue<>();

  @BeforeEach
  void open() {
    url = PgUrl.of(PostgresServer.freshDatabase(), Map.of());
    writer = PostgresStorage.open(url, 2);
    writer.users().add("alice");
    writer.documents().create("doc", "Shared", "alice", 1);
    writer.documents().create("other", "Other", "alice", 1);
  }

  @AfterEach
  void close() {
    writer.close();
  }

  /** The next head heard for {@code doc}, skipping others; fails after 20 s. */
  private String next(String doc) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      String h = heard.poll(100, TimeUnit.MILLISECONDS);
      if (h != null && h.startsWith(doc + "@")) {
        return h;
      }
    }
    throw new AssertionError("heard nothing of " + doc);
  }

  @Test
  void anotherRelaysCommitIsHeardThroughNotify() throws Exception {
    // A poll far beyond the test's wait: only the notification can deliver the new head.
    try (PgHeadListener listener =
        new PgHeadListener(
            url, () -> Set.of("doc"), (d, h) -> heard.add(d + "@" + h), Duration.ofHours(1))) {
      assertThat(next("doc")).isEqualTo("doc@0"); // the first poll, on connecting
      CompletableFuture<PgAppendGroup.Result> r = new CompletableFuture<>();
      writer
          .appender()
          .append(PgAppendGroupTest.append("doc", 1, "c1", 1, "[\"a\"]", "[1,\"b\"]"), r::complete);
      assertThat(r.get(30, TimeUnit.SECONDS)).isInstanceOf(PgAppendGroup.Committed.class);
      assertThat(next("doc")).isEqualTo("doc@2");
    }
  }

  @Test
  void aMissedNotificationIsCaughtByThePoll() throws Exception {
    try (PgHeadListener listener =
        new PgHeadListener(
            url, () -> List.of("doc"), (d, h) -> heard.add(d + "@" + h), Duration.ofMillis(200))) {
      assertThat(next("doc")).isEqualTo("doc@0");
      // A head moved without a notification (as when one is lost).
      try (Connection c = writer.database().connection();
          Statement s = c.createStatement()) {
        s.executeUpdate("UPDATE documents SET head = 7 WHERE id = 'doc'");
      }
      String h;
      do {
        h = next("doc");
      } while (h.equals("doc@0"));
      assertThat(h).isEqualTo("doc@7");
    }
  }
}
