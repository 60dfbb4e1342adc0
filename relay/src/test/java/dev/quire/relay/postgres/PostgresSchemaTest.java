package dev.quire.relay.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.relay.store.StoreException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A PostgreSQL database whose schema a newer relay wrote is refused, as a data directory is; an
 * older one is migrated, its rows read the same.
 */
class PostgresSchemaTest {

  @Test
  void upgradeFromSchema15_keepsOnlyTheCanonicalOperationsThatDiffer_andReadsTheSame()
      throws Exception {
    String jdbc = PostgresServer.freshDatabase();
    org.flywaydb.core.Flyway.configure()
        .dataSource(jdbc, null, null)
        .locations("classpath:db/relay-pg")
        .target("15")
        .load()
        .migrate();
    try (Connection c = DriverManager.getConnection(jdbc);
        Statement s = c.createStatement()) {
      s.execute("INSERT INTO users (name, created_at) VALUES ('alice', 1)");
      s.execute(
          "INSERT INTO documents (id, title, owner, created_at, head, last_change,"
              + " missing_canonical) VALUES ('doc', 'T', 'alice', 1, 6, 1, 1)");
      String columns =
          "INSERT INTO batches (doc_id, first_revision, last_revision, base_revision, author,"
              + " client_id, batch_seq, created_at, digest, operations, canonical) VALUES ";
      s.execute(
          columns
              + "('doc', 1, 2, 0, 'alice', 'c', 1, 10, '\\x00',"
              + " ARRAY['[\"ab\"]', '[2,\"c\"]'], ARRAY['[\"ab\"]', '[2,\"c\"]']),"
              + " ('doc', 3, 4, 0, 'alice', 'c', 2, 20, '\\x00',"
              + " ARRAY['[\"x\"]', '[1,\"y\"]'], ARRAY['[3,\"x\"]', '[1,\"y\"]']),"
              + " ('doc', 5, 5, 0, 'alice', 'c', 3, 30, '\\x00',"
              + " ARRAY['[5,\"z\"]'], ARRAY['[5,\"Z\"]']),"
              + " ('doc', 6, 6, 5, 'alice', 'c', 4, 40, '\\x00', ARRAY['[6,\"w\"]'], NULL)");
    }
    try (PostgresStorage storage = PostgresStorage.open(PgUrl.of(jdbc, Map.of()), 2)) {
      assertThat(storage.history().canonical("doc", 1, 6))
          .containsExactly("[\"ab\"]", "[2,\"c\"]", "[3,\"x\"]", "[1,\"y\"]", "[5,\"Z\"]", null);
      assertThat(storage.history().missingCanonical("doc")).isEqualTo(1);
      assertThat(storage.history().entries("doc", 0, 4))
          .extracting(dev.quire.relay.store.HistoryStore.StoredEntry::canonical)
          .containsExactly(
              java.util.List.of("[\"ab\"]", "[2,\"c\"]"),
              java.util.List.of("[3,\"x\"]", "[1,\"y\"]"));
    }
    try (Connection c = DriverManager.getConnection(jdbc);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT canonical::text FROM batches ORDER BY first_revision")) {
      java.util.List<String> stored = new java.util.ArrayList<>();
      while (rs.next()) {
        stored.add(rs.getString(1));
      }
      assertThat(stored)
          .containsExactly("{NULL,NULL}", "{\"[3,\\\"x\\\"]\",NULL}", "{\"[5,\\\"Z\\\"]\"}", null);
    }
  }

  @Test
  void aDatabaseWithANewerSchema_isRefusedAndLeftAlone() throws Exception {
    String jdbc = PostgresServer.freshDatabase();
    PgUrl url = PgUrl.of(jdbc, Map.of());
    try (PostgresStorage storage = PostgresStorage.open(url, 2)) {
      storage.users().add("alice");
    }
    try (Connection c = DriverManager.getConnection(jdbc);
        Statement s = c.createStatement()) {
      s.executeUpdate(
          "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script,"
              + " checksum, installed_by, execution_time, success) VALUES (99, '99',"
              + " 'from the future', 'SQL', 'V99__future.sql', 0, 'quire', 0, TRUE)");
    }

    assertThatThrownBy(() -> PostgresStorage.open(url, 2))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("schema version 99")
        .hasMessageContaining("newer relay");
    try (Connection c = DriverManager.getConnection(jdbc);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM users")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(1); // nothing was changed
    }
  }
}
