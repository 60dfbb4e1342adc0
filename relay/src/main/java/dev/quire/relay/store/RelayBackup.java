package dev.quire.relay.store;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

/**
 * Writes the relay's online backups and checks them before they count (docs/relay.md, "Backup and
 * restore").
 *
 * <p>A backup is H2's {@code BACKUP TO} zip of the database alone, without the journal: before
 * copying, it waits (as every read does, {@link Database.AppendGate#awaitAll}) until H2 holds every
 * batch acknowledged before the backup began, so the journal has nothing the copy lacks. The zip is
 * written under a {@code .part} name, then verified: every entry read back through {@link
 * ZipInputStream} (which checks each entry's size and CRC-32), the central directory compared with
 * it, and the database unzipped into a scratch directory next to it and opened, where its schema
 * version must be the live one, each document's history complete up to its head, and each head at
 * least what the relay held when the backup began and at most what it held when the copy ended.
 * Only then is it renamed to its final name; a backup that fails is deleted and reported.
 */
public final class RelayBackup {
  /** The one entry of a backup: H2's database file, as it lies in a data directory. */
  public static final String DATABASE_FILE = Database.FILE_NAME + ".mv.db";

  private static final String SCHEMA_VERSION =
      "SELECT \"version\" FROM \"flyway_schema_history\" WHERE \"success\" AND \"version\" IS NOT"
          + " NULL ORDER BY \"installed_rank\" DESC LIMIT 1";

  /** What a verified backup holds. */
  public record Summary(String schemaVersion, int documents, long revisions, long users) {}

  /** What the live database held around the copy. */
  private record Snapshot(
      String schemaVersion, Map<String, Long> before, Map<String, Long> after) {}

  private RelayBackup() {}

  /**
   * Writes a verified backup of {@code db} to {@code target}, which must not exist yet.
   *
   * @param failure why H2 lacks batches the journal acknowledged, or null while all is well
   * @throws StoreException when the backup cannot be written or fails verification; then no file is
   *     left at {@code target}
   */
  static Summary write(Database db, Supplier<StoreException> failure, Path target) {
    Path file = target.toAbsolutePath().normalize();
    if (Files.exists(file)) {
      throw new StoreException("backup " + file + " exists already; it was not overwritten");
    }
    try {
      Files.createDirectories(file.getParent());
    } catch (IOException e) {
      throw new StoreException(
          "cannot create backup directory " + file.getParent() + ": " + e.getMessage(), e);
    }
    // A stop or a crash mid-write leaves only a ".part", never a file with a backup's name.
    Path part = file.resolveSibling(file.getFileName() + ".part");
    try {
      Files.createFile(part); // claims the name: two backups to one file never mix
    } catch (IOException e) {
      throw new StoreException(
          "cannot write "
              + part
              + (Files.exists(part)
                  ? ": it exists (a backup to "
                      + file
                      + " is being written, or one was"
                      + " interrupted: then delete it)"
                  : ": " + e.getMessage()),
          e);
    }
    try {
      Snapshot live =
          db.read(
              "backing up to " + file,
              c -> {
                // Reached only once H2 holds every batch acknowledged before this call.
                StoreException broken = failure.get();
                if (broken != null) {
                  throw new StoreException(
                      "not backed up: the database lacks batches the journal acknowledged ("
                          + broken.getMessage()
                          + ")");
                }
                Map<String, Long> before = heads(c);
                String schema = schemaVersion(c);
                try (Statement s = c.createStatement()) {
                  s.execute("BACKUP TO '" + part.toString().replace("'", "''") + "'");
                }
                return new Snapshot(schema, before, heads(c));
              });
      Summary summary = check(part, live);
      Files.move(part, file, StandardCopyOption.ATOMIC_MOVE);
      return summary;
    } catch (IOException e) {
      throw new StoreException("cannot rename backup " + part + ": " + e.getMessage(), e);
    } catch (StoreException e) {
      throw new StoreException(
          "backup " + file + " failed and was not kept: " + e.getMessage(), e.getCause());
    } finally {
      deleteQuietly(part);
    }
  }

  /**
   * Checks a backup zip on its own: the zip is whole and its database opens, has a schema version
   * and holds each document's history up to its head.
   *
   * @throws StoreException saying what is wrong with it
   */
  public static Summary verify(Path zip) {
    return check(zip.toAbsolutePath().normalize(), null);
  }

  private static Summary check(Path zip, Snapshot live) {
    checkZip(zip);
    Path scratch = scratchDirectory(zip);
    try {
      try (ZipFile z = new ZipFile(zip.toFile());
          InputStream in = z.getInputStream(z.getEntry(DATABASE_FILE))) {
        Files.copy(in, scratch.resolve(DATABASE_FILE));
      } catch (IOException e) {
        throw damaged(zip, e.getMessage(), e);
      }
      String url = "jdbc:h2:file:" + scratch.resolve(Database.FILE_NAME) + ";IFEXISTS=TRUE";
      try (Connection c = DriverManager.getConnection(url, "quire", "")) {
        return checkDatabase(zip, c, live);
      } catch (SQLException e) {
        throw damaged(zip, "its database does not open or read: " + e.getMessage(), e);
      }
    } finally {
      deleteTree(scratch);
    }
  }

  /** A new directory beside {@code zip}, or in the system's temporary one if that is read-only. */
  private static Path scratchDirectory(Path zip) {
    try {
      return Files.createTempDirectory(zip.getParent(), ".verify-");
    } catch (IOException beside) {
      try {
        return Files.createTempDirectory("quire-verify-");
      } catch (IOException e) {
        throw new StoreException(
            "cannot make a scratch directory to verify " + zip + ": " + beside.getMessage(), e);
      }
    }
  }

  /**
   * Reads every entry (ZipInputStream checks sizes and CRCs) and compares the central directory.
   */
  private static void checkZip(Path zip) {
    List<String> local = new ArrayList<>();
    try (ZipInputStream in =
        new ZipInputStream(new BufferedInputStream(Files.newInputStream(zip)))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        if (!e.getName().equals(DATABASE_FILE)) {
          throw damaged(zip, "it holds an unexpected entry '" + e.getName() + "'", null);
        }
        local.add(e.getName());
        in.transferTo(OutputStream.nullOutputStream());
      }
    } catch (IOException e) {
      throw damaged(zip, e.getMessage(), e);
    }
    if (!local.equals(List.of(DATABASE_FILE))) {
      throw damaged(
          zip, "it holds entries " + local + " instead of exactly " + DATABASE_FILE, null);
    }
    List<String> central = new ArrayList<>();
    try (ZipFile z = new ZipFile(zip.toFile())) {
      z.stream().forEach(e -> central.add(e.getName()));
    } catch (IOException e) {
      throw damaged(zip, "its central directory does not read: " + e.getMessage(), e);
    }
    if (!central.equals(local)) {
      throw damaged(zip, "its directory lists " + central + " but it holds " + local, null);
    }
  }

  private static Summary checkDatabase(Path zip, Connection c, Snapshot live) throws SQLException {
    String schema = schemaVersion(c);
    if (schema == null) {
      throw damaged(zip, "its database has no schema version", null);
    }
    if (live != null && !schema.equals(live.schemaVersion())) {
      throw damaged(
          zip,
          "schema version " + schema + " instead of the relay's " + live.schemaVersion(),
          null);
    }
    Map<String, Long> heads = new HashMap<>();
    long revisions = 0;
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT d.id, d.head, COALESCE(SUM(b.op_count), 0),"
                    + " COALESCE(MAX(b.first_revision + b.op_count - 1), 0)"
                    + " FROM documents d LEFT JOIN batches b ON b.doc_id = d.id"
                    + " GROUP BY d.id, d.head")) {
      while (rs.next()) {
        String doc = rs.getString(1);
        long head = rs.getLong(2);
        if (rs.getLong(3) != head || rs.getLong(4) != head) {
          throw damaged(
              zip,
              "document "
                  + doc
                  + " is at revision "
                  + head
                  + " but its history holds "
                  + rs.getLong(3)
                  + " revisions up to "
                  + rs.getLong(4),
              null);
        }
        heads.put(doc, head);
        revisions += head;
      }
    }
    if (live != null) {
      compareHeads(zip, heads, live);
    }
    long users;
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                // Sums a column no index holds, so every row of each table is read from its
                // pages (a bare COUNT(*) reads none) and a damaged page fails the check.
                "SELECT (SELECT COUNT(*) FROM users), (SELECT SUM(created_at) FROM users),"
                    + " (SELECT SUM(created_at) FROM tokens),"
                    + " (SELECT SUM(LENGTH(role)) FROM document_roles),"
                    + " (SELECT SUM(bound_at) FROM client_ids),"
                    + " (SELECT SUM(created_at) FROM latest_batches),"
                    + " (SELECT SUM(LENGTH(payload)) FROM log),"
                    + " (SELECT SUM(LENGTH(text)) FROM checkpoints)")) {
      rs.next();
      users = rs.getLong(1);
    }
    return new Summary(schema, heads.size(), revisions, users);
  }

  /** Each document's head in the copy lies between what the relay held before and after it. */
  private static void compareHeads(Path zip, Map<String, Long> copied, Snapshot live) {
    for (Map.Entry<String, Long> e : live.before().entrySet()) {
      Long head = copied.get(e.getKey());
      if (head == null || head < e.getValue()) {
        throw damaged(
            zip,
            "document "
                + e.getKey()
                + " is at revision "
                + head
                + " in the copy but was at "
                + e.getValue()
                + " when the backup began",
            null);
      }
    }
    for (Map.Entry<String, Long> e : copied.entrySet()) {
      Long after = live.after().get(e.getKey());
      if (after == null || e.getValue() > after) {
        throw damaged(
            zip,
            "document "
                + e.getKey()
                + " is at revision "
                + e.getValue()
                + " in the copy but at "
                + after
                + " in the relay after it",
            null);
      }
    }
  }

  private static Map<String, Long> heads(Connection c) throws SQLException {
    Map<String, Long> heads = new HashMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, head FROM documents")) {
      while (rs.next()) {
        heads.put(rs.getString(1), rs.getLong(2));
      }
    }
    return heads;
  }

  private static String schemaVersion(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(SCHEMA_VERSION)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  private static StoreException damaged(Path zip, String why, Throwable cause) {
    return new StoreException("backup " + zip + " does not verify: " + why, cause);
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // Only a ".part" or scratch file: never taken for a backup.
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(RelayBackup::deleteQuietly);
    } catch (IOException e) {
      // A scratch directory whose name starts with a dot: never taken for a backup.
    }
  }
}
