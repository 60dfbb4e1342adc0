package db.relay;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Quire relay schema, version 21: a batch's canonical operations keep only those that differ from
 * the operations as sent. {@code batches.canonical} still holds one line per operation, and an
 * empty line now stands for the operation sent at its place (a canonical operation is JSON text,
 * never empty), so a readable document no longer holds its operations twice. A NULL column still
 * means that none was computed (opaque mode), as {@code documents.missing_canonical} counts. Rows
 * of the log (before V5) are left as they are.
 *
 * <p>Existing rows are rewritten so, a page of batches at a time (keyset on the unique index {@code
 * batches_by_revision}), so that a large history is not held in memory at once. A Java migration
 * because the lines are compared one by one.
 */
public final class V21__canonical_same_as_sent extends BaseJavaMigration {
  // Rows read at a time: a batch row holds up to a message's operations twice (a megabyte or two).
  private static final int PAGE = 16;

  @Override
  public void migrate(Context context) throws SQLException {
    Connection c = context.getConnection();
    String doc = "";
    long after = 0;
    try (PreparedStatement read =
            c.prepareStatement(
                "SELECT doc_id, first_revision, op_count, operations, canonical FROM batches"
                    + " WHERE (doc_id > ? OR (doc_id = ? AND first_revision > ?))"
                    + " ORDER BY doc_id, first_revision LIMIT "
                    + PAGE);
        PreparedStatement write =
            c.prepareStatement(
                "UPDATE batches SET canonical = ? WHERE doc_id = ? AND first_revision = ?")) {
      while (true) {
        read.setString(1, doc);
        read.setString(2, doc);
        read.setLong(3, after);
        int rows = 0;
        try (ResultSet rs = read.executeQuery()) {
          while (rs.next()) {
            rows++;
            doc = rs.getString(1);
            after = rs.getLong(2);
            String compact = compact(rs.getInt(3), rs.getString(4), rs.getString(5));
            if (compact != null) {
              write.setString(1, compact);
              write.setString(2, doc);
              write.setLong(3, after);
              write.addBatch();
            }
          }
        }
        write.executeBatch();
        if (rows < PAGE) {
          return;
        }
      }
    }
  }

  /**
   * The canonical lines with each one equal to the operation sent at its place emptied, or null
   * when the row stays as it is (nothing computed, held in the log, or nothing equal).
   */
  static String compact(int count, String operations, String canonical) {
    if (operations == null || canonical == null) {
      return null;
    }
    String[] sent = operations.split("\n", -1);
    String[] lines = canonical.split("\n", -1);
    if (sent.length != count || lines.length != count) {
      return null;
    }
    boolean changed = false;
    for (int i = 0; i < count; i++) {
      if (!lines[i].isEmpty() && lines[i].equals(sent[i])) {
        lines[i] = "";
        changed = true;
      }
    }
    return changed ? String.join("\n", lines) : null;
  }
}
