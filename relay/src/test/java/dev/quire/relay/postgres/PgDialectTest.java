package dev.quire.relay.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * PostgreSQL's statements for the shared stores, as text (the storage contract tests run them on a
 * real PostgreSQL).
 */
class PgDialectTest {
  private final PgDialect dialect = PgDialect.INSTANCE;

  @Test
  void upsert_replacesTheColumnsOutsideTheKey() {
    assertThat(dialect.upsert("document_roles", "doc_id, user_name", "doc_id, user_name, role"))
        .isEqualTo(
            "INSERT INTO document_roles (doc_id, user_name, role) VALUES (?, ?, ?)"
                + " ON CONFLICT (doc_id, user_name) DO UPDATE SET role = EXCLUDED.role");
  }

  @Test
  void insertIfAbsent_doesNothingOnAConflictOfItsKey() {
    assertThat(dialect.insertIfAbsent("users", "name", "name, created_at"))
        .isEqualTo(
            "INSERT INTO users (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING");
  }

  @Test
  void textIsOrderedByCodePoints_rowsAreLocked_andU0000IsRefused() {
    assertThat(dialect.textOrder("id")).isEqualTo("id COLLATE \"C\"");
    assertThat(dialect.lockRow()).isEqualTo(" FOR UPDATE");
    assertThat(dialect.requireText("a title", "fine")).isEqualTo("fine");
    assertThatThrownBy(() -> dialect.requireText("a title", "a\0b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a title");
  }
}
