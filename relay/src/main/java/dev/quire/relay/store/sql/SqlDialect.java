package dev.quire.relay.store.sql;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The places where the SQL of the embedded H2 and of PostgreSQL differ, named: everything else the
 * shared stores run is the same text on both.
 */
public interface SqlDialect {

  /**
   * An insert of {@code columns} (comma-separated, one parameter each, in order) into {@code table}
   * that replaces the row with the same {@code key} columns, if any.
   */
  String upsert(String table, String key, String columns);

  /**
   * An insert of {@code columns} (comma-separated, one parameter each, in order) into {@code table}
   * that changes nothing, without failing, when a row with the same {@code key} columns exists: it
   * reports one row changed when it inserted, none otherwise.
   */
  String insertIfAbsent(String table, String key, String columns);

  /** {@code column} as an ORDER BY term that sorts text by its code points. */
  String textOrder(String column);

  /** What follows a SELECT of one row to lock it until the transaction ends ("" when none). */
  String lockRow();

  /**
   * {@code value}, unless the database cannot store it as text.
   *
   * @throws IllegalArgumentException naming {@code what} when it cannot
   */
  String requireText(String what, String value);

  /** The names in a comma-separated list of columns. */
  static List<String> names(String columns) {
    return Arrays.stream(columns.split(",")).map(String::trim).toList();
  }

  /** {@code n} parameters: "?, ?, ...". */
  static String parameters(int n) {
    return String.join(", ", Collections.nCopies(n, "?"));
  }
}
