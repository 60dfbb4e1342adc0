package dev.quire.relay.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** H2's statements for the shared stores, run on H2 itself. */
class H2DialectTest {
  private Connection c;

  @BeforeEach
  void open() throws SQLException {
    c = DriverManager.getConnection("jdbc:h2:mem:dialect" + System.nanoTime());
    try (Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE t (a VARCHAR(10), b VARCHAR(10), n BIGINT, v VARCHAR(10),"
              + " PRIMARY KEY (a, b))");
    }
  }

  @AfterEach
  void close() throws SQLException {
    c.close();
  }

  private int run(String sql, Object... args) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        if (args[i] == null) {
          s.setNull(i + 1, Types.NULL);
        } else {
          s.setObject(i + 1, args[i]);
        }
      }
      return s.executeUpdate();
    }
  }

  private String row(String a, String b) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT n, v FROM t WHERE a = ? AND b = ?")) {
      s.setString(1, a);
      s.setString(2, b);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getLong(1) + "/" + rs.getString(2) : null;
      }
    }
  }

  @Test
  void insertIfAbsent_insertsOnce_keepsTheFirstRow_andTakesNulls() throws SQLException {
    String sql = H2Dialect.INSTANCE.insertIfAbsent("t", "a, b", "a, b, n, v");
    assertThat(run(sql, "x", "y", 1L, null)).isEqualTo(1);
    assertThat(run(sql, "x", "y", 2L, "second")).isZero(); // no failure, nothing changed
    assertThat(run(sql, "x", "z", 3L, "other")).isEqualTo(1); // another key
    assertThat(row("x", "y")).isEqualTo("1/null");
    assertThat(row("x", "z")).isEqualTo("3/other");
  }

  @Test
  void upsert_insertsOrReplacesTheRowWithTheSameKey() throws SQLException {
    String sql = H2Dialect.INSTANCE.upsert("t", "a, b", "a, b, n, v");
    run(sql, "x", "y", 1L, "first");
    run(sql, "x", "y", 2L, "second");
    assertThat(row("x", "y")).isEqualTo("2/second");
  }
}
