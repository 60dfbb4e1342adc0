package dev.quire.editor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.store.ProfileBackups;
import dev.quire.ot.operation.TextOperation;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Rolling profile backups and {@code quire restore}, end to end. */
class BackupRestoreTest {
  @TempDir Path dir;
  private StringWriter out = new StringWriter();
  private StringWriter err = new StringWriter();

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine cmd = QuireCli.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args);
  }

  /** Types one character at the end, returning when it is durable. */
  private static CompletableFuture<Void> type(LocalStore store, int length) {
    TextOperation op = TextOperation.builder().retain(length).insert("x").build();
    return store.localEdits("doc", List.of(op), List.of(1000L + length));
  }

  private static void awaitTyped(AtomicInteger typed, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (typed.get() < n && System.nanoTime() < deadline) {
      Thread.sleep(5); // a bounded poll for the typist
    }
    assertThat(typed.get()).isGreaterThanOrEqualTo(n);
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void aBackupTakenWhileTyping_restoresToAConsistentMoment() throws Exception {
    Path profile = dir.resolve("p");
    AtomicInteger typed = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    try (LocalStore store = LocalStore.open(profile)) {
      store.createDocument("doc", "Doc", 1, false, List.of()).get();
      Thread typist =
          new Thread(
              () -> {
                while (!stop.get()) {
                  type(store, typed.get()).join();
                  typed.incrementAndGet();
                }
              });
      typist.start();
      awaitTyped(typed, 200);
      int before = typed.get();
      ProfileBackups.Backup b = store.backups().backupNow();
      int after = typed.get();
      awaitTyped(typed, after + 200); // typing goes on after the backup
      stop.set(true);
      typist.join();
      assertThat(b.file()).exists();

      // Listed while the profile is open (in use), and restored into a new profile.
      assertThat(run("restore", "--profile", profile.toString())).isZero();
      assertThat(out.toString()).startsWith("1\t").contains(b.file().toString());
      Path copy = dir.resolve("restored");
      assertThat(run("restore", "--profile", profile.toString(), "1", "--to", copy.toString()))
          .as(err.toString())
          .isZero();
      assertThat(out.toString()).isEqualTo(copy + "\n");

      try (LocalStore restored = LocalStore.open(copy)) {
        String text = restored.localText("doc").get();
        int pending = restored.pendingTimes("doc").get().size();
        // One committed moment: the text and the outbox agree, somewhere during the backup.
        assertThat(text).isEqualTo("x".repeat(pending));
        assertThat(pending).isBetween(before, after + 1);
        assertThat(restored.clientId()).isEqualTo(store.clientId());
      }
    }
    assertThat(
            run(
                "restore",
                "--profile",
                profile.toString(),
                "1",
                "--to",
                dir.resolve("restored").toString()))
        .isEqualTo(ExitCodes.FAILED);
    assertThat(err.toString()).contains("is not empty: restore makes a new profile");
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void backups_areTakenOnTheirOwnWhileSomethingChanged_andTheNewestNKept() throws Exception {
    Path profile = dir.resolve("p");
    try (LocalStore store = LocalStore.open(profile)) {
      store.saveBackupPolicy(new ProfileBackups.Policy(Duration.ofSeconds(1), 2)).get();
      store.createDocument("doc", "Doc", 1, false, List.of()).get();
      // The timer takes one within a few seconds of the change (its first run is after 1 s).
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (ProfileBackups.list(profile).isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20); // a bounded poll for the timer's backup
      }
      assertThat(ProfileBackups.list(profile)).hasSize(1);

      // Nothing changed since: no backup is due, however long ago the last one was.
      assertThat(store.backups().backupIfDue()).isEmpty();

      for (int i = 0; i < 3; i++) {
        type(store, i).get();
        ProfileBackups.Backup b = store.backups().backupNow();
        assertThat(ProfileBackups.list(profile)).last().isEqualTo(b);
      }
      assertThat(ProfileBackups.list(profile)).hasSize(2);
    }
  }

  @Test
  void aDamagedBackup_isNotRestored() throws Exception {
    Path profile = dir.resolve("p");
    assertThat(run("backup", "--profile", profile.toString())).isZero();
    Path backup = Path.of(out.toString().trim());
    byte[] bytes = Files.readAllBytes(backup);
    for (int i = bytes.length / 3; i < bytes.length / 3 + 64; i++) {
      bytes[i] ^= 0x5a; // inside the compressed database
    }
    Files.write(backup, bytes);
    Path target = dir.resolve("restored");
    assertThat(run("restore", "--profile", profile.toString(), "1", "--to", target.toString()))
        .isEqualTo(ExitCodes.FAILED);
    assertThat(err.toString()).contains("cannot restore").contains(backup.toString());
    assertThat(target.resolve("quire.mv.db")).doesNotExist();
  }

  @Test
  void policy_isSetWithBackup_andZeroStopsAutomaticBackups() throws Exception {
    Path profile = dir.resolve("p");
    assertThat(run("backup", "--profile", profile.toString(), "--every", "0", "--keep", "3"))
        .isZero();
    assertThat(out.toString())
        .isEqualTo("backups: never on their own ('quire backup' takes one), keep 3\n");
    assertThat(
            run(
                "import",
                "--profile",
                profile.toString(),
                Files.writeString(dir.resolve("a.txt"), "hi").toString()))
        .isZero();
    assertThat(ProfileBackups.list(profile)).isEmpty(); // not even when closing after a change
    assertThat(run("backup", "--profile", profile.toString())).isZero();
    assertThat(Path.of(out.toString().trim())).exists();
    try (LocalStore store = LocalStore.open(profile)) {
      assertThat(store.backups().policy()).isEqualTo(new ProfileBackups.Policy(Duration.ZERO, 3));
      Optional<ProfileBackups.Backup> due = store.backups().backupIfDue();
      assertThat(due).isEmpty();
    }
    assertThat(
            run(
                "restore",
                "--profile",
                profile.toString(),
                "7",
                "--to",
                dir.resolve("x").toString()))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("no backup 7: the profile has 1");
  }
}
