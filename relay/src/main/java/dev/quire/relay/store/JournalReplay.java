package dev.quire.relay.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings H2 up to the journal when a data directory is opened: after a crash, H2 may lack appends
 * and other changes the journal holds. Each append is written unless H2 already has its revisions;
 * each change is run again (a statement H2 already has rows for fails as a duplicate and is
 * skipped). Runs before anything else reads the database; the caller empties the journal once H2
 * was closed cleanly.
 */
final class JournalReplay {
  private static final Logger log = LoggerFactory.getLogger(JournalReplay.class);
  private static final String DUPLICATE_KEY = "23505";

  private JournalReplay() {}

  /**
   * @return whether the journal held anything (then H2 must be closed cleanly before it is emptied)
   * @throws StoreException when an append cannot follow what H2 holds (the journal is left as it
   *     is, so nothing in it is lost)
   */
  static boolean replay(Database db, Journal journal) {
    List<Object> records = journal.readAll();
    if (records.isEmpty()) {
      journal.clear(); // drops a damaged tail, already copied aside
      return false;
    }
    int written = 0;
    int changes = 0;
    int present = 0;
    int deleted = 0;
    try (Connection c = db.connection()) {
      c.setAutoCommit(false);
      try (AppendWriter writer = new AppendWriter(c);
          PreparedStatement headQuery =
              c.prepareStatement("SELECT head, deleted_at FROM documents WHERE id = ?")) {
        Map<String, Long> heads = new HashMap<>(); // null value: gone or deleted
        for (Object record : records) {
          if (record instanceof StoredChange change) {
            writer.flush(); // appends before it first, in journal order
            replay(c, change);
            changes++;
            continue;
          }
          HistoryStore.Append a = (HistoryStore.Append) record;
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
    log.info(
        "Journal {}: wrote {} batch(es) the database lacked; {} it already had; {} of deleted"
            + " documents skipped; {} other change(s) made again",
        journal.file(),
        written,
        present,
        deleted,
        changes);
    return true;
  }

  private static void replay(Connection c, StoredChange change) throws SQLException {
    for (StoredChange.Statement s : change.statements()) {
      Savepoint before = c.setSavepoint();
      try {
        s.run(c);
      } catch (SQLException e) {
        if (!DUPLICATE_KEY.equals(e.getSQLState())) {
          throw e;
        }
        c.rollback(before); // H2 has this row already
      }
    }
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
