package dev.quire.relay.store.sql;

import dev.quire.relay.store.StoreException;
import java.util.Arrays;
import java.util.Comparator;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.MigrationVersion;

/**
 * Brings a relay database's schema up to date with Flyway migrations, as both storages do: a schema
 * newer than this relay knows (written by a newer relay) is refused with nothing changed, and
 * nothing is ever cleaned or dropped.
 */
public final class SchemaMigration {
  private SchemaMigration() {}

  /** What a migration did: how many migrations it applied, and the version the schema is at. */
  public record Applied(int migrations, MigrationVersion version) {}

  /**
   * Migrates the database of {@code source} with the scripts under {@code location} on the class
   * path.
   *
   * @param database how errors name the database ("data directory /srv/quire", ...)
   * @throws StoreException when its schema is newer than this relay knows, or a migration fails
   */
  public static Applied migrate(DataSource source, String location, String database) {
    Flyway flyway =
        Flyway.configure(SchemaMigration.class.getClassLoader())
            .dataSource(source)
            .locations(location)
            .cleanDisabled(true)
            .load();
    try {
      MigrationVersion known =
          Arrays.stream(flyway.info().all())
              .filter(m -> !isFuture(m))
              .map(MigrationInfo::getVersion)
              .max(Comparator.naturalOrder())
              .orElse(MigrationVersion.EMPTY);
      for (MigrationInfo m : flyway.info().applied()) {
        if (isFuture(m)) {
          throw new StoreException(
              database
                  + " has schema version "
                  + m.getVersion()
                  + " but this relay knows versions up to "
                  + known
                  + ": it was written by a newer relay. Refusing to use it; nothing was changed.");
        }
      }
      return new Applied(flyway.migrate().migrationsExecuted, known);
    } catch (FlywayException e) {
      throw new StoreException("cannot migrate " + database + ": " + e.getMessage(), e);
    }
  }

  private static boolean isFuture(MigrationInfo m) {
    return m.getState() == MigrationState.FUTURE_SUCCESS
        || m.getState() == MigrationState.FUTURE_FAILED;
  }
}
