package dev.quire.relay.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.relay.store.AppendOutcome;
import dev.quire.relay.store.BatchAppender;
import dev.quire.relay.store.HistoryStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database stops and starts again under a running storage: meanwhile appends fail with a {@link
 * dev.quire.relay.store.StoreException} (which the relay answers with a retryable error) and the
 * storage says it is unhealthy; afterwards the same storage commits again, with nothing restarted,
 * and what was committed before is all there.
 */
class DatabaseRestartTest {
  @TempDir Path dataDir;

  private EmbeddedPostgres start(int port) throws Exception {
    return EmbeddedPostgres.builder()
        .setDataDirectory(dataDir)
        .setCleanDataDirectory(false)
        .setPort(port)
        .start();
  }

  private static AppendOutcome append(BatchAppender appender, HistoryStore.Append a)
      throws Exception {
    CompletableFuture<AppendOutcome> outcome = new CompletableFuture<>();
    appender.append(a, outcome::complete);
    return outcome.get(60, TimeUnit.SECONDS);
  }

  @Test
  void appendsFailWhileTheDatabaseIsDownAndCommitAgainOnceItIsBack() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    EmbeddedPostgres pg = start(port);
    String url = pg.getJdbcUrl("postgres", "postgres") + "&connectTimeout=2";
    try (PostgresStorage storage = PostgresStorage.open(PgUrl.of(url, Map.of()), 2)) {
      BatchAppender appender = storage.startAppender(nanos -> {});
      storage.users().add("alice");
      storage.documents().create("doc", "Notes", "alice", 1);
      assertThat(append(appender, PgAppendGroupTest.append("doc", 1, "c1", 1, "[\"a\"]")))
          .isEqualTo(AppendOutcome.COMMITTED);

      pg.close(); // stops the server; its files stay
      assertThat(storage.isHealthy()).isFalse();
      HistoryStore.Append second = PgAppendGroupTest.append("doc", 2, "c1", 2, "[1,\"b\"]");
      assertThat(append(appender, second)).isInstanceOf(AppendOutcome.Failed.class);

      pg = start(port);
      // The pool connects again by itself: the client's resend commits.
      AppendOutcome outcome = append(appender, second);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (outcome instanceof AppendOutcome.Failed && System.nanoTime() < deadline) {
        outcome = append(appender, second);
      }
      assertThat(outcome).isEqualTo(AppendOutcome.COMMITTED);
      assertThat(storage.isHealthy()).isTrue();
      assertThat(storage.documents().find("doc").orElseThrow().head()).isEqualTo(2);
      assertThat(storage.history().page("doc", 0, 10)).hasSize(2);
    } finally {
      pg.close();
    }
  }
}
