package db.relay;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Quire relay schema, version 20: {@code batches} and {@code latest_batches} lose their foreign
 * keys to {@code documents}. The commit thread writes a row of each per sequenced batch, and H2
 * gives every foreign key an index of its own (beside {@code batches_by_revision}, which starts
 * with the same column) and looks the parent row up on every insert: about a fifth of the commit
 * thread's work under load. The relay is the only writer of these tables; it appends a batch only
 * in the transaction that moves its document's head ({@code UPDATE documents ... WHERE head = ?},
 * which finds no row for a document that is missing or deleted), and it purges a document's rows of
 * these tables together with the document, in one transaction. See
 * docs/adr/0004-profile-bulk-writes.md for the same choice in the profile.
 *
 * <p>A Java migration because H2 named these constraints itself when the tables were made: they are
 * looked up by table and kind, and dropped with the index H2 made for them.
 */
public final class V20__history_without_foreign_keys extends BaseJavaMigration {
  private static final String FOREIGN_KEYS =
      "SELECT TABLE_NAME, CONSTRAINT_NAME FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS"
          + " WHERE TABLE_SCHEMA = CURRENT_SCHEMA AND CONSTRAINT_TYPE = 'FOREIGN KEY'"
          + " AND TABLE_NAME IN ('BATCHES', 'LATEST_BATCHES')";

  @Override
  public void migrate(Context context) throws SQLException {
    Connection c = context.getConnection();
    List<String> drops = new ArrayList<>();
    try (PreparedStatement q = c.prepareStatement(FOREIGN_KEYS);
        ResultSet rs = q.executeQuery()) {
      while (rs.next()) {
        drops.add(
            "ALTER TABLE "
                + quoted(rs.getString(1))
                + " DROP CONSTRAINT "
                + quoted(rs.getString(2)));
      }
    }
    try (Statement s = c.createStatement()) {
      for (String drop : drops) {
        s.execute(drop);
      }
    }
  }

  private static String quoted(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }
}
