package dev.quire.relay.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The indexes of the embedded relay's {@code batches} (migration V13): the sender's batches are
 * found through a plain index, which H2 need not check on every insert, while a second batch at one
 * revision is still refused by the database.
 */
class BatchIndexesTest {
  @TempDir Path dir;

  private static final String INSERT =
      "INSERT INTO batches (doc_id, author, client_id, batch_seq, first_revision, op_count,"
          + " base_revision, created_at, digest, operations) VALUES ('d', 'alice', ?, ?, ?, 1, 0,"
          + " 1, X'0000000000000000000000000000000000000000000000000000000000000000', '[1]')";

  private static void insert(Connection c, String client, long seq, long revision)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(INSERT)) {
      s.setString(1, client);
      s.setLong(2, seq);
      s.setLong(3, revision);
      s.executeUpdate();
    }
  }

  @Test
  void aSendersOlderBatchIsFoundByIndex_andASecondBatchAtOneRevisionIsRefused() throws Exception {
    try (Database db = Database.open(dir, 2);
        Connection c = db.connection()) {
      try (PreparedStatement s =
          c.prepareStatement(
              "INSERT INTO documents (id, title, owner, created_at, head, last_change)"
                  + " VALUES ('d', 'd', 'alice', 1, 0, 1)")) {
        s.executeUpdate();
      }
      insert(c, "c1", 1, 1);
      insert(c, "c1", 2, 2);

      try (PreparedStatement s =
              c.prepareStatement(
                  "EXPLAIN SELECT batch_seq, first_revision FROM batches WHERE doc_id = 'd'"
                      + " AND author = 'alice' AND client_id = 'c1' AND batch_seq >= 1"
                      + " ORDER BY batch_seq LIMIT 1");
          ResultSet rs = s.executeQuery()) {
        rs.next();
        assertThat(rs.getString(1)).containsIgnoringCase("BATCHES_BY_CLIENT");
      }
      assertThatThrownBy(() -> insert(c, "c2", 1, 2))
          .isInstanceOf(SQLException.class)
          .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("23505"));
    }
  }
}
