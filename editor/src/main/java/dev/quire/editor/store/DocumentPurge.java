package dev.quire.editor.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Removes a deleted document's rows a bounded amount per commit. Deleting a document first takes
 * its {@code documents} row and its small rows (its members, notes snapshot and keys: {@link
 * #forgetKeys}) away and records the purge ({@link #begin}), in one small transaction: from then on
 * the document is gone for every reader, and its id stays taken. Each {@link #step} then deletes up
 * to {@link #STEP_CHARS} characters of its log, checkpoints, outbox, kept ciphertext and relay
 * signatures, and the last one forgets the purge. A profile closed or killed half-way resumes on
 * the next open, so a half-deleted document never comes back as a damaged one, and a document
 * created later with the same id starts with nothing of it.
 */
final class DocumentPurge {
  /** About this many characters of log, checkpoints or outbox are deleted per commit. */
  static final long STEP_CHARS = 1 << 20;

  /** How many rows a step looks at for one table (each is deleted whole). */
  private static final int ROWS_PER_STEP = 256;

  /** One table a document's rows are purged from, its key after {@code doc_id}, and its size. */
  private record Table(String name, String key, String chars) {}

  private static final List<Table> TABLES =
      List.of(
          new Table(
              "log_blocks",
              "first_revision",
              "LENGTH(operations) + COALESCE(LENGTH(originals), 0)"),
          new Table("checkpoints", "revision", "LENGTH(content)"),
          new Table("outbox_blocks", "block_no", "LENGTH(operations)"),
          new Table("pending_ops", "seq", "LENGTH(operation)"),
          new Table("sealed_history", "first_revision", "LENGTH(sealed)"),
          // Rows of one revision by several relays go together: a handful at most.
          new Table("relay_signatures", "revision", "LENGTH(chain) + LENGTH(signature)"));

  private DocumentPurge() {}

  /** Records that {@code doc}'s rows are to be purged. */
  static void begin(Connection c, String doc) throws SQLException {
    Queries.update(c, "MERGE INTO document_purges (doc_id) KEY (doc_id) VALUES (?)", doc);
  }

  /**
   * Deletes what the profile keeps to read and write {@code doc} encrypted: whether it is, its keys
   * by epoch and its sealed batch in flight. A few small rows; a document created later with the
   * same id must not find them (it would be taken for encrypted, or sealed with the old key).
   */
  static void forgetKeys(Connection c, String doc) throws SQLException {
    Queries.update(c, "DELETE FROM encrypted_documents WHERE doc_id = ?", doc);
    Queries.update(c, "DELETE FROM document_keys WHERE doc_id = ?", doc);
    Queries.update(c, "DELETE FROM sealed_batches WHERE doc_id = ?", doc);
  }

  /** Whether {@code doc}'s rows are still being purged. */
  static boolean pending(Connection c, String doc) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("SELECT 1 FROM document_purges WHERE doc_id = ?")) {
      s.setString(1, doc);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** The documents whose purge is not finished. */
  static List<String> pending(Connection c) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement("SELECT doc_id FROM document_purges");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  /**
   * Deletes the next rows of {@code doc}, about {@link #STEP_CHARS} characters (at least one row);
   * returns false, having forgotten the purge, once none are left.
   */
  static boolean step(Connection c, String doc) throws SQLException {
    for (Table t : TABLES) {
      Long last = lastKeyWithinBudget(c, doc, t);
      if (last != null) {
        Queries.update(
            c, "DELETE FROM " + t.name() + " WHERE doc_id = ? AND " + t.key() + " <= ?", doc, last);
        return true;
      }
    }
    // Again: a key that arrived for the document while it was being deleted (the sync engine keeps
    // keys as they come) must not outlive it.
    forgetKeys(c, doc);
    Queries.update(c, "DELETE FROM document_purges WHERE doc_id = ?", doc);
    return false;
  }

  /** The key of the last of {@code doc}'s first rows in {@code t} that fit the budget, or null. */
  private static @Nullable Long lastKeyWithinBudget(Connection c, String doc, Table t)
      throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT "
                + t.key()
                + ", "
                + t.chars()
                + " FROM "
                + t.name()
                + " WHERE doc_id = ? ORDER BY "
                + t.key()
                + " FETCH FIRST "
                + ROWS_PER_STEP
                + " ROWS ONLY")) {
      s.setString(1, doc);
      try (ResultSet rs = s.executeQuery()) {
        @Nullable Long last = null;
        long chars = 0;
        while (rs.next()) {
          chars += rs.getLong(2);
          if (last != null && chars > STEP_CHARS) {
            break;
          }
          last = rs.getLong(1);
        }
        return last;
      }
    }
  }
}
