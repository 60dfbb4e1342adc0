package dev.quire.relay.postgres;

import dev.quire.relay.store.sql.SqlDialect;
import java.util.List;
import java.util.stream.Collectors;

/**
 * PostgreSQL's SQL where it differs from H2's: {@code ON CONFLICT} for upserts, the "C" collation
 * for an order by code points, row locks for other relays' concurrent changes, and no U+0000 in
 * text ({@link PgText}).
 */
final class PgDialect implements SqlDialect {
  static final PgDialect INSTANCE = new PgDialect();

  private PgDialect() {}

  @Override
  public String upsert(String table, String key, String columns) {
    List<String> keys = SqlDialect.names(key);
    List<String> names = SqlDialect.names(columns);
    return insert(table, columns, names.size())
        + " ON CONFLICT ("
        + key
        + ") DO UPDATE SET "
        + names.stream()
            .filter(c -> !keys.contains(c))
            .map(c -> c + " = EXCLUDED." + c)
            .collect(Collectors.joining(", "));
  }

  @Override
  public String insertIfAbsent(String table, String key, String columns) {
    return insert(table, columns, SqlDialect.names(columns).size())
        + " ON CONFLICT ("
        + key
        + ") DO NOTHING";
  }

  private static String insert(String table, String columns, int n) {
    return "INSERT INTO " + table + " (" + columns + ") VALUES (" + SqlDialect.parameters(n) + ")";
  }

  @Override
  public String textOrder(String column) {
    return column + " COLLATE \"C\"";
  }

  @Override
  public String lockRow() {
    return " FOR UPDATE";
  }

  @Override
  public String requireText(String what, String value) {
    return PgText.require(what, value);
  }
}
