package dev.quire.editor.store;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rolling backups of a profile in its {@code backups/} directory: a consistent copy of the
 * database, taken with H2's own online {@code BACKUP TO} on a connection of its own (the store
 * keeps committing meanwhile; H2's MVCC makes the copy one committed state), checked after it is
 * written, then moved in place under its time. One is taken at most every {@link Policy#every()}
 * while something was written since the last one, on a timer and when the store closes; the newest
 * {@link Policy#keep()} are kept.
 */
public final class ProfileBackups {
  private static final Logger log = LoggerFactory.getLogger(ProfileBackups.class);

  /** The backups' directory inside a profile. */
  public static final String DIR = "backups";

  private static final DateTimeFormatter NAME =
      DateTimeFormatter.ofPattern("'quire-'yyyyMMdd'T'HHmmss.SSS'Z.zip'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private final Path profile;
  private final LongSupplier writes;
  private volatile Policy policy;
  private final ScheduledExecutorService timer;
  private java.util.concurrent.ScheduledFuture<?> scheduled;
  private long writesAtLastBackup;
  private @Nullable Instant lastBackup; // null before the first

  /**
   * How often and how many.
   *
   * @param every the least time between two backups; zero disables automatic backups
   * @param keep how many backups are kept (at least 1)
   */
  public record Policy(Duration every, int keep) {
    public static final Policy DEFAULT = new Policy(Duration.ofHours(1), 24);

    public Policy {
      if (every.isNegative() || keep < 1) {
        throw new IllegalArgumentException("backups every " + every + ", keep " + keep);
      }
    }
  }

  /** One backup file. */
  public record Backup(Path file, Instant taken, long bytes) {}

  private ProfileBackups(Path profile, Policy policy, LongSupplier writes) {
    this.profile = profile;
    this.policy = policy;
    this.writes = writes;
    this.writesAtLastBackup = writes.getAsLong();
    this.lastBackup = list(profile).stream().map(Backup::taken).reduce((a, b) -> b).orElse(null);
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "quire-backup");
              t.setDaemon(true);
              return t;
            });
    schedule();
  }

  /** Starts backing up {@code profile}; {@code writes} counts the writes committed so far. */
  static ProfileBackups start(Path profile, Policy policy, LongSupplier writes) {
    return new ProfileBackups(profile, policy, writes);
  }

  private synchronized void schedule() {
    if (scheduled != null) {
      scheduled.cancel(false);
    }
    long every = Math.max(policy.every().toMillis(), 1000);
    scheduled =
        timer.scheduleWithFixedDelay(
            () -> {
              try {
                backupIfDue();
              } catch (RuntimeException e) {
                log.warn("Profile {}: automatic backup failed: {}", profile, e.getMessage());
              }
            },
            every,
            every,
            TimeUnit.MILLISECONDS);
  }

  public Policy policy() {
    return policy;
  }

  /** Uses {@code p} from now on. */
  void policy(Policy p) {
    this.policy = p;
    if (!timer.isShutdown()) {
      schedule();
    }
  }

  /** Takes a backup if something was written since the last one and the last is old enough. */
  public synchronized Optional<Backup> backupIfDue() {
    Policy p = policy;
    if (p.every().isZero() || writes.getAsLong() == writesAtLastBackup) {
      return Optional.empty();
    }
    if (lastBackup != null
        && Duration.between(lastBackup, Instant.now()).compareTo(p.every()) < 0) {
      return Optional.empty();
    }
    return Optional.of(backupNow());
  }

  /**
   * Takes a backup now, whatever the policy, and prunes the oldest beyond {@link Policy#keep()}.
   *
   * @throws StoreException when it cannot be written or does not read back
   */
  public synchronized Backup backupNow() {
    long writesBefore = writes.getAsLong();
    Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    if (lastBackup != null && !now.isAfter(lastBackup)) {
      now = lastBackup.plusMillis(1); // names are unique and in order
    }
    Path dir = profile.resolve(DIR);
    Path target = dir.resolve(NAME.format(now));
    Path tmp = dir.resolve(".taking-" + target.getFileName());
    try {
      Files.createDirectories(dir);
      Files.deleteIfExists(tmp);
      try (Connection c = DriverManager.getConnection(ProfileDatabase.url(profile), "quire", "");
          Statement s = c.createStatement()) {
        s.execute("BACKUP TO '" + tmp.toString().replace("'", "''") + "'");
      }
      check(tmp);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (SQLException | IOException e) {
      throw new StoreException("cannot back up profile " + profile + ": " + e.getMessage(), e);
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException e) {
        log.debug("Profile {}: leftover {}: {}", profile, tmp, e.getMessage());
      }
    }
    writesAtLastBackup = writesBefore;
    lastBackup = now;
    prune();
    return describe(target, now);
  }

  /**
   * The backup must be a zip holding the database, every entry readable to its end and matching its
   * CRC ({@link ZipInputStream} checks each entry's CRC as it reaches the entry's end).
   */
  private static void check(Path zip) throws IOException {
    boolean database = false;
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        database |= e.getName().equals(ProfileDatabase.DB_NAME + ".mv.db");
        in.transferTo(java.io.OutputStream.nullOutputStream());
      }
    } catch (java.util.zip.ZipException e) {
      throw new IOException(zip + " is not a readable zip: " + e.getMessage(), e);
    }
    if (!database) {
      throw new IOException(zip + " holds no " + ProfileDatabase.DB_NAME + ".mv.db");
    }
  }

  private void prune() {
    List<Backup> all = list(profile);
    for (int i = 0; i < all.size() - policy.keep(); i++) {
      try {
        Files.deleteIfExists(all.get(i).file());
      } catch (IOException e) {
        log.warn(
            "Profile {}: cannot delete old backup {}: {}",
            profile,
            all.get(i).file(),
            e.getMessage());
      }
    }
  }

  /** The backups of {@code profile}, oldest first; needs no lock, so works on a profile in use. */
  public static List<Backup> list(Path profile) {
    Path dir = profile.resolve(DIR);
    List<Backup> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "quire-*Z.zip")) {
      for (Path f : files) {
        try {
          out.add(describe(f, Instant.from(NAME.parse(f.getFileName().toString()))));
        } catch (java.time.DateTimeException notOurs) {
          // a file named like a backup but not one: ignored
        }
      }
    } catch (IOException e) {
      throw new StoreException("cannot list backups in " + dir + ": " + e.getMessage(), e);
    }
    out.sort(Comparator.comparing(Backup::taken));
    return out;
  }

  private static Backup describe(Path f, Instant taken) {
    long size;
    try {
      size = Files.size(f);
    } catch (IOException e) {
      size = -1;
    }
    return new Backup(f, taken, size);
  }

  /**
   * Brings {@code backup} back as a new profile in {@code target} (which must not exist or be
   * empty), and opens it once to check it: the schema is migrated if the backup is older.
   *
   * @throws StoreException when the target is in the way or the backup does not restore
   */
  public static void restore(Path backup, Path target) {
    try {
      if (Files.exists(target)) {
        try (var entries = Files.list(target)) {
          if (entries.findAny().isPresent()) {
            throw new StoreException(target + " is not empty: restore makes a new profile");
          }
        }
      }
      Files.createDirectories(target);
      check(backup);
      org.h2.tools.Restore.execute(backup.toString(), target.toString(), ProfileDatabase.DB_NAME);
    } catch (IOException | org.h2.message.DbException e) {
      throw new StoreException("cannot restore " + backup + ": " + e.getMessage(), e);
    }
    try (LocalStore restored = LocalStore.open(target)) {
      restored.documents().join();
    }
  }

  /** Backs up if due, then stops the timer. */
  void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(30, TimeUnit.SECONDS);
      backupIfDue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.warn("Profile {}: backup on closing failed: {}", profile, e.getMessage());
    }
  }
}
