package dev.quire.relay.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings H2 up to the journal when a data directory is opened: after a crash, the journal may hold
 * acknowledged appends H2 never got. Each is written unless H2 already has its revisions; then the
 * journal is emptied. Runs before anything else reads the database.
 */
final class JournalReplay {
  private static final Logger log = LoggerFactory.getLogger(JournalReplay.class);

  private JournalReplay() {}

  /**
   * @throws StoreException when an append cannot follow what H2 holds (the journal is left as it
   *     is, so nothing in it is lost)
   */
  static void replay(Database db, Journal journal) {
    List<HistoryStore.Append> appends = journal.readAll();
    if (appends.isEmpty()) {
      journal.clear(); // drops a damaged tail, already copied aside
      return;
    }
    int written = 0;
    int present = 0;
    int deleted = 0;
    try (Connection c = db.connection()) {
      c.setAutoCommit(false);
      try (AppendWriter writer = new AppendWriter(c);
          PreparedStatement headQuery =
              c.prepareStatement("SELECT head, deleted_at FROM documents WHERE id = ?")) {
        Map<String, Long> heads = new HashMap<>(); // null value: gone or deleted
        for (HistoryStore.Append a : appends) {
          String doc = a.doc();
          if (!heads.containsKey(doc)) {
            heads.put(doc, storedHead(headQuery, doc));
          }
          Long head = heads.get(doc);
          long first = a.entry().firstRevision();
          if (head == null) {
            deleted++;
          } else if (head >= a.entry().lastRevision()) {
            present++;
          } else if (head == first - 1) {
            writer.add(a);
            heads.put(doc, a.entry().lastRevision());
            written++;
          } else {
            throw new StoreException(
                "journal "
                    + journal.file()
                    + " holds revisions "
                    + first
                    + " to "
                    + a.entry().lastRevision()
                    + " of document "
                    + doc
                    + ", which cannot follow the stored head revision "
                    + head
                    + ". Nothing was changed; keep the data directory as it is and report this.");
          }
        }
        writer.flush();
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreException(
          "writing journal " + journal.file() + " to the database failed: " + e.getMessage(), e);
    }
    journal.clear();
    log.info(
        "Journal {}: wrote {} batch(es) the database lacked after a crash; {} it already had;"
            + " {} of deleted documents skipped",
        journal.file(),
        written,
        present,
        deleted);
  }

  private static Long storedHead(PreparedStatement q, String doc) throws SQLException {
    q.setString(1, doc);
    try (ResultSet rs = q.executeQuery()) {
      if (!rs.next()) {
        return null;
      }
      long head = rs.getLong(1);
      rs.getLong(2);
      return rs.wasNull() ? head : null;
    }
  }
}
