package dev.quire.relay.store;

import dev.quire.relay.store.sql.SqlDialect;
import java.util.List;
import java.util.stream.Collectors;

/** H2's SQL where it differs from PostgreSQL's: MERGE for upserts, binary text order, no locks. */
final class H2Dialect implements SqlDialect {
  static final H2Dialect INSTANCE = new H2Dialect();

  private H2Dialect() {}

  @Override
  public String upsert(String table, String key, String columns) {
    int n = SqlDialect.names(columns).size();
    return "MERGE INTO "
        + table
        + " ("
        + columns
        + ") KEY ("
        + key
        + ") VALUES ("
        + SqlDialect.parameters(n)
        + ")";
  }

  @Override
  public String insertIfAbsent(String table, String key, String columns) {
    List<String> names = SqlDialect.names(columns);
    String on =
        SqlDialect.names(key).stream()
            .map(k -> table + "." + k + " = v." + k)
            .collect(Collectors.joining(" AND "));
    return "MERGE INTO "
        + table
        + " USING (VALUES ("
        + SqlDialect.parameters(names.size())
        + ")) AS v ("
        + columns
        + ") ON "
        + on
        + " WHEN NOT MATCHED THEN INSERT ("
        + columns
        + ") VALUES ("
        + names.stream().map(c -> "v." + c).collect(Collectors.joining(", "))
        + ")";
  }

  @Override
  public String textOrder(String column) {
    return column; // H2's own order of strings, as the embedded relay always sorted
  }

  @Override
  public String lockRow() {
    return ""; // the only writer: changes run one at a time per document anyway
  }

  @Override
  public String requireText(String what, String value) {
    return value;
  }
}
