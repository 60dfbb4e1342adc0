package dev.quire.editor.store;

import dev.quire.editor.store.StoreOpenException.Reason;
import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.MigrationVersion;
import org.h2.jdbcx.JdbcDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a profile's H2 file: takes the profile lock, opens the database, brings the schema up to
 * date with Flyway migrations from {@code db/editor/}, and refuses, without changing a byte, a
 * profile that another instance holds, that is not a readable database, or whose schema is newer
 * than this build knows.
 *
 * <p>The profile lock is an OS file lock on {@code quire.lock}, so a second store is refused in
 * another process and in this one alike (H2 itself shares a file between connections of one
 * process). {@code WRITE_DELAY=0}: a commit is in the file when it returns, so it survives the
 * process being killed; an OS crash or power loss may lose what the OS had not yet written.
 */
final class ProfileDatabase implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProfileDatabase.class);
  static final String DB_NAME = "quire";
  static final String LOCK_NAME = "quire.lock";

  private final Path dir;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final Connection connection;

  private ProfileDatabase(Path dir, FileChannel lockChannel, FileLock lock, Connection connection) {
    this.dir = dir;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.connection = connection;
  }

  static ProfileDatabase open(Path profileDir) {
    Path dir = profileDir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new StoreOpenException(
          Reason.IO, "cannot create profile directory " + dir + ": " + e.getMessage(), e);
    }
    FileChannel channel;
    FileLock lock;
    try {
      channel =
          FileChannel.open(
              dir.resolve(LOCK_NAME), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new StoreOpenException(
          Reason.IO, "cannot open the profile lock in " + dir + ": " + e.getMessage(), e);
    }
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException | IOException e) {
      lock = null;
    }
    if (lock == null) {
      closeQuietly(channel);
      throw new StoreOpenException(Reason.LOCKED, inUse(dir), null);
    }
    Connection c;
    try {
      c = connect(dir);
    } catch (StoreOpenException e) {
      release(lock, channel);
      throw e;
    }
    ProfileDatabase db = new ProfileDatabase(dir, channel, lock, c);
    try {
      db.migrate();
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
    return db;
  }

  private static Connection connect(Path dir) {
    Path file = dir.resolve(DB_NAME + ".mv.db");
    if (Files.exists(file) && sizeOf(file) == 0) {
      // H2 would treat an empty file as a new database and write over it.
      throw new StoreOpenException(
          Reason.CORRUPT,
          "profile database " + file + " is empty, not a Quire profile; it was left untouched",
          null);
    }
    try {
      Connection c = DriverManager.getConnection(url(dir), "quire", "");
      c.setAutoCommit(false);
      return c;
    } catch (SQLException e) {
      throw new StoreOpenException(reasonOf(e), describe(dir, e), e);
    }
  }

  /**
   * H2's file system for profile files: {@code file:}, or a wrapper of it a test puts in front
   * (H2's {@code rec:} records every write, so a test can count what a command writes to the file).
   */
  static volatile String fileSystem = "file:";

  /**
   * {@code MAX_COMPACT_TIME=0}: H2 does not compact the file when it closes. That compaction moves
   * whole chunks to the start of the file, a large document's among them, so closing the profile
   * after any command rewrote megabytes the command never touched (and, cut short by its time limit
   * on a slow machine, left the file larger by the chunks it had moved). Space freed in the file is
   * reused by later writes instead.
   */
  static String url(Path dir) {
    return "jdbc:h2:"
        + fileSystem
        + dir.resolve(DB_NAME)
        + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;MAX_COMPACT_TIME=0";
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return -1;
    }
  }

  private static Reason reasonOf(SQLException e) {
    String msg = String.valueOf(e.getMessage());
    if (msg.contains("already in use") || msg.contains("locked")) {
      return Reason.LOCKED;
    }
    if (e.getErrorCode() == 90030 // FILE_CORRUPTED_1
        || msg.contains("corrupt")
        || msg.contains("File header")
        || msg.contains("is not a database")
        || e.getErrorCode() == 90048 // FILE_VERSION_ERROR_1
        || e.getErrorCode() == 50000) {
      return Reason.CORRUPT;
    }
    return Reason.IO;
  }

  private static String describe(Path dir, SQLException e) {
    Reason reason = reasonOf(e);
    String first = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
    return switch (reason) {
      case LOCKED -> inUse(dir);
      case CORRUPT ->
          "profile database in "
              + dir
              + " cannot be read (corrupt, or not a Quire profile): "
              + first
              + "; it was left untouched";
      default -> "cannot open the profile database in " + dir + ": " + first;
    };
  }

  private static String inUse(Path dir) {
    return "profile "
        + dir
        + " is in use by another running Quire; close it, or choose another profile with"
        + " --profile DIR";
  }

  private void migrate() {
    if (upToDate()) {
      return;
    }
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL(url(dir));
    ds.setUser("quire");
    ds.setPassword("");
    Flyway flyway =
        Flyway.configure(ProfileDatabase.class.getClassLoader())
            .dataSource((DataSource) ds)
            .locations("classpath:db/editor")
            .cleanDisabled(true)
            .load();
    MigrationVersion known =
        Arrays.stream(flyway.info().all())
            .filter(m -> m.getState() != MigrationState.FUTURE_SUCCESS)
            .filter(m -> m.getState() != MigrationState.FUTURE_FAILED)
            .map(MigrationInfo::getVersion)
            .max(Comparator.naturalOrder())
            .orElse(MigrationVersion.EMPTY);
    for (MigrationInfo m : flyway.info().applied()) {
      if (m.getState() == MigrationState.FUTURE_SUCCESS
          || m.getState() == MigrationState.FUTURE_FAILED) {
        throw new StoreOpenException(
            Reason.NEWER_SCHEMA,
            "profile "
                + dir
                + " has schema version "
                + m.getVersion()
                + " but this Quire knows versions up to "
                + known
                + ": it was written by a newer Quire. Refusing to open it; nothing was changed.",
            null);
      }
    }
    try {
      int applied = flyway.migrate().migrationsExecuted;
      if (applied > 0) {
        log.debug("Profile {}: applied {} schema migration(s), now at {}", dir, applied, known);
      }
    } catch (RuntimeException e) {
      throw new StoreOpenException(
          Reason.IO, "cannot migrate profile " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * True when the profile's schema history ends, every step successful, at the newest migration
   * this Quire ships: then Flyway has nothing to do, and loading it to find that out costs most of
   * a short command's time. Anything else (a new profile, an older or newer schema, a failed step,
   * an unreadable history) goes to Flyway, which migrates or refuses.
   */
  private boolean upToDate() {
    int newest = newestShippedMigration();
    if (newest < 0) {
      return false;
    }
    int applied = -1;
    try (Statement s = connection.createStatement();
        ResultSet r =
            s.executeQuery("SELECT \"version\", \"success\" FROM \"flyway_schema_history\"")) {
      while (r.next()) {
        if (!r.getBoolean(2)) {
          return false;
        }
        String version = r.getString(1);
        if (version != null) { // the row recording the schema's creation has none
          applied = Math.max(applied, Integer.parseInt(version));
        }
      }
    } catch (SQLException | NumberFormatException e) {
      return false;
    } finally {
      try {
        connection.rollback();
      } catch (SQLException e) {
        log.debug("Rollback after the schema check failed: {}", e.getMessage());
      }
    }
    return applied == newest;
  }

  private static final Pattern MIGRATION = Pattern.compile("V(\\d+)__[^/]*\\.sql");

  /** The highest version among the migration scripts in {@code db/editor/}, or -1. */
  static int newestShippedMigration() {
    URL url = ProfileDatabase.class.getClassLoader().getResource("db/editor");
    if (url == null) {
      return -1;
    }
    List<String> names = new ArrayList<>();
    try {
      if (url.getProtocol().equals("jar")) {
        JarURLConnection jar = (JarURLConnection) url.openConnection();
        jar.getJarFile().stream()
            .map(JarEntry::getName)
            .filter(n -> n.startsWith("db/editor/"))
            .forEach(n -> names.add(n.substring("db/editor/".length())));
      } else if (url.getProtocol().equals("file")) {
        try (var files = Files.list(Path.of(url.toURI()))) {
          files.forEach(f -> names.add(f.getFileName().toString()));
        }
      }
    } catch (IOException | java.net.URISyntaxException | RuntimeException e) {
      return -1;
    }
    int newest = -1;
    for (String name : names) {
      Matcher m = MIGRATION.matcher(name);
      if (m.matches()) {
        newest = Math.max(newest, Integer.parseInt(m.group(1)));
      } else if (!name.isEmpty()) {
        return -1; // a script named otherwise: leave it to Flyway
      }
    }
    return newest;
  }

  Path dir() {
    return dir;
  }

  /** The one connection, in manual-commit mode; used only on the store's thread. */
  Connection connection() {
    return connection;
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      log.warn("Closing profile database {} failed: {}", dir, e.getMessage());
    }
    release(lock, lockChannel);
  }

  private static void release(FileLock lock, FileChannel channel) {
    try {
      lock.release();
    } catch (IOException e) {
      // the channel's close below releases it too
    }
    closeQuietly(channel);
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      log.debug("Closing the profile lock failed: {}", e.getMessage());
    }
  }
}
