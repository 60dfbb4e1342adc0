package dev.quire.relay.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The indexes of the embedded relay's {@code batches}: since migration V22 only the unique one by
 * revision, which refuses a second batch at one revision; a sender's older batch is found by
 * walking it in revision order, as a client's batches are. Since V20 neither {@code batches} nor
 * {@code latest_batches} has a foreign key (and its index): an append to a document that is missing
 * or deleted is still refused, by the update of the document's head.
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
  void aSendersOlderBatchIsFoundInRevisionOrder_andASecondBatchAtOneRevisionIsRefused()
      throws Exception {
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
                      + " ORDER BY doc_id, first_revision LIMIT 1");
          ResultSet rs = s.executeQuery()) {
        rs.next();
        // As SqlHistory.findBatchAtOrAfter asks: H2 reads the index in its order and stops at the
        // first match instead of sorting every batch of the document.
        assertThat(rs.getString(1))
            .containsIgnoringCase("BATCHES_BY_REVISION")
            .doesNotContainIgnoringCase("BATCHES_BY_CLIENT")
            .containsIgnoringCase("index sorted");
      }
      assertThatThrownBy(() -> insert(c, "c2", 1, 2))
          .isInstanceOf(SQLException.class)
          .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("23505"));
    }
  }

  @Test
  void theHistoryTablesKeepOnlyTheIndexesTheRelayReadsBy() throws Exception {
    try (Database db = Database.open(dir, 2);
        Connection c = db.connection()) {
      assertThat(indexes(c, "BATCHES")).containsExactly("BATCHES_BY_REVISION");
      assertThat(indexes(c, "LATEST_BATCHES")).singleElement().asString().startsWith("PRIMARY_KEY");
    }
  }

  @Test
  void anAppendToAMissingOrDeletedDocument_isRefused_andStoresNothing() throws Exception {
    try (Database db = Database.open(dir, 2);
        Connection c = db.connection();
        AppendWriter w = new AppendWriter(c)) {
      try (PreparedStatement s =
          c.prepareStatement(
              "INSERT INTO documents (id, title, owner, created_at, head, last_change, deleted_at)"
                  + " VALUES ('gone', 'gone', 'alice', 1, 0, 1, 2)")) {
        s.executeUpdate();
      }
      c.setAutoCommit(false);
      for (String doc : List.of("missing", "gone")) {
        WireSequenced e =
            new WireSequenced(1, "alice", 5, new WireBatch("c", 1, 0, List.of("[1]"), 5));
        w.add(new HistoryStore.Append(doc, e, null, new byte[32], null));
        assertThatThrownBy(w::flush)
            .isInstanceOf(StoreException.class)
            .hasMessageContaining("document " + doc + " is not at revision 0");
        w.clear();
        c.rollback();
      }
      try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT (SELECT COUNT(*) FROM batches) + (SELECT COUNT(*) FROM latest_batches)");
          ResultSet rs = s.executeQuery()) {
        rs.next();
        assertThat(rs.getLong(1)).isZero();
      }
    }
  }

  private static List<String> indexes(Connection c, String table) throws SQLException {
    List<String> names = new ArrayList<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT INDEX_NAME FROM INFORMATION_SCHEMA.INDEXES"
                + " WHERE TABLE_SCHEMA = CURRENT_SCHEMA AND TABLE_NAME = ?")) {
      s.setString(1, table);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
    }
    return names;
  }
}
