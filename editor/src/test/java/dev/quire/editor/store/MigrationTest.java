package dev.quire.editor.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.operation.TextOperation;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A profile written by an older Quire opens with every row kept. */
class MigrationTest {
  @TempDir Path dir;

  @Test
  void version1Profile_keepsItsLogAndOutboxAndLosesTheForeignKeyIndexes() throws Exception {
    Flyway.configure(MigrationTest.class.getClassLoader())
        .dataSource(ProfileDatabase.url(dir), "quire", "")
        .locations("classpath:db/editor")
        .target("1")
        .load()
        .migrate();
    try (Connection c = DriverManager.getConnection(ProfileDatabase.url(dir), "quire", "");
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO documents (id, title, created_at, head, next_batch_seq, on_relay,"
              + " title_synced, relay_head) VALUES ('d', 'D', 1, 1, 1, TRUE, TRUE, 1)");
      s.execute(
          "INSERT INTO revisions VALUES ('d', 1, 0, 1, 'bob', 'cb', 1, 5, 3,"
              + " '[\"abc\"]', NULL)");
      s.execute("INSERT INTO pending_ops VALUES ('d', 0, '[3,\"!\"]', 7)");
    }

    try (LocalStore store = LocalStore.open(dir)) {
      assertThat(store.localText("d").get()).isEqualTo("abc!");
      assertThat(store.revisions("d", 1, 1).get())
          .singleElement()
          .satisfies(r -> assertThat(r.author()).isEqualTo("bob"));
      assertThat(store.pendingTimes("d").get()).containsExactly(7L);
      store.localEdits("d", List.of(TextOperation.splice(4, 4, 0, "?")), List.of(8L)).get();
      assertThat(store.localText("d").get()).isEqualTo("abc!?");
    }
    try (Connection c = DriverManager.getConnection(ProfileDatabase.url(dir), "quire", "");
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS"
                    + " WHERE CONSTRAINT_TYPE = 'FOREIGN KEY'"
                    + " AND TABLE_NAME IN ('REVISIONS', 'PENDING_OPS')")) {
      rs.next();
      assertThat(rs.getInt(1)).isZero();
    }
  }
}
