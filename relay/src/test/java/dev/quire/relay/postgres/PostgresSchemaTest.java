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

/** A PostgreSQL database whose schema a newer relay wrote is refused, as a data directory is. */
class PostgresSchemaTest {

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
