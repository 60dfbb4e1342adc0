package dev.quire.relay;

import static dev.quire.relay.RelayFixture.append;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.relay.store.EmbeddedStorage;
import dev.quire.relay.store.RelayBackup;
import dev.quire.relay.store.StoreException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The relay's online backup: what it holds, how it is verified, and a restore drill. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BackupTest {
  private static final int WRITERS = 3;

  @TempDir Path dir;

  /** One acknowledged batch: which client's, and where the relay sequenced it. */
  private record Acked(String doc, String clientId, long batchSeq, long firstRevision) {}

  @Test
  void restoreDrill_backupTakenUnderLoad_holdsEveryBatchAcknowledgedBeforeIt_exactlyOnce()
      throws Exception {
    Path backups = dir.resolve("backups");
    ConcurrentLinkedQueue<Acked> acked = new ConcurrentLinkedQueue<>();
    List<Acked> ackedBeforeBackup;
    Path zip;
    String token;
    ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
    try (Relay relay = RelayFixture.start(dir)) {
      token = relay.store().users().add("alice");
      AtomicBoolean stop = new AtomicBoolean();
      AtomicBoolean backedUp = new AtomicBoolean();
      CountDownLatch acksAfterBackup = new CountDownLatch(20);
      CountDownLatch started = new CountDownLatch(WRITERS);
      List<Future<?>> running = new ArrayList<>();
      List<TestClient> clients = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        TestClient client = TestClient.login(relay.port(), token, "c" + w);
        RelayFixture.create(client, "doc" + w);
        clients.add(client);
      }
      for (int w = 0; w < WRITERS; w++) {
        for (int later = w + 1; later < WRITERS; later++) { // one user: told of its other creates
          clients.get(w).expect(ServerMessage.Available.class);
        }
      }
      for (int w = 0; w < WRITERS; w++) {
        String doc = "doc" + w;
        String clientId = "c" + w;
        TestClient client = clients.get(w);
        running.add(
            writers.submit(
                () -> {
                  // One batch at a time, each continuing the head: every submit is acknowledged.
                  for (long seq = 1; !stop.get(); seq++) {
                    client.send(
                        new ClientMessage.Submit(
                            doc, append(clientId, seq, seq - 1, (int) seq - 1, "x")));
                    ServerMessage.Ack ack = client.expectAck();
                    acked.add(new Acked(doc, clientId, seq, ack.firstRevision()));
                    if (backedUp.get()) {
                      acksAfterBackup.countDown();
                    }
                    if (seq == 20) {
                      started.countDown();
                    }
                  }
                  return null;
                }));
      }
      awaitWhileRunning(started, running);
      // Everything acknowledged up to here happened before the backup began.
      ackedBeforeBackup = List.copyOf(acked);
      zip = relay.store().backups().orElseThrow().backup(backups);
      backedUp.set(true);
      // The load went on during the backup and goes on after it.
      awaitWhileRunning(acksAfterBackup, running);
      stop.set(true);
      for (Future<?> f : running) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      writers.shutdownNow();
    }
    assertThat(ackedBeforeBackup).hasSizeGreaterThanOrEqualTo(WRITERS * 20);
    try (Stream<Path> files = Files.list(backups)) {
      assertThat(files).containsExactly(zip); // no ".part", no scratch directory left
    }
    assertThat(RelayBackup.verify(zip).documents()).isEqualTo(WRITERS);

    Path restored = dir.resolve("restored");
    unzip(zip, restored.resolve("data")); // a new data directory
    try (Relay relay = RelayFixture.start(restored)) {
      TestClient alice = TestClient.login(relay.port(), token, "reader");
      Map<String, List<WireSequenced>> histories = new HashMap<>();
      for (int w = 0; w < WRITERS; w++) {
        List<WireSequenced> history = RelayFixture.openAll(alice, "doc" + w, 0);
        for (int i = 0; i < history.size(); i++) {
          // Revisions 1..head, each batch once, in each client's order.
          assertThat(history.get(i).firstRevision()).isEqualTo(i + 1);
          assertThat(history.get(i).batch().batchSeq()).isEqualTo(i + 1);
        }
        histories.put("doc" + w, history);
      }
      for (Acked a : ackedBeforeBackup) {
        List<WireSequenced> history = histories.get(a.doc());
        assertThat(history)
            .as("%s in the restored relay", a)
            .hasSizeGreaterThan((int) a.batchSeq() - 1);
        WireSequenced stored = history.get((int) a.firstRevision() - 1);
        assertThat(stored.batch().clientId()).isEqualTo(a.clientId());
        assertThat(stored.batch().batchSeq()).isEqualTo(a.batchSeq());
      }
      // The restored relay takes new batches where each history ends.
      TestClient writer = TestClient.login(relay.port(), token, "c0");
      long head = histories.get("doc0").size();
      writer.send(
          new ClientMessage.Submit("doc0", append("c0", head + 1, head, (int) head, "new")));
      assertThat(writer.expectAck().firstRevision()).isEqualTo(head + 1);
    }
  }

  @Test
  void backup_ofADatabaseThatLacksAnAcknowledgedBatch_isRefused_andLeavesNoZip() throws Exception {
    Path backups = dir.resolve("backups");
    try (Relay relay = RelayFixture.start(dir)) {
      TestClient alice = TestClient.login(relay.port(), relay.store().users().add("alice"), "ca");
      RelayFixture.create(alice, "doc");
      alice.send(new ClientMessage.Submit("doc", append("ca", 1, 0, 0, "a")));
      alice.expectAck();
      // A stray batch row claims revision 2, so H2 cannot take the next append: the journal
      // acknowledges it, and H2 never gets it while this relay runs.
      try (Connection c =
              DriverManager.getConnection(
                  "jdbc:h2:file:" + dir.resolve("data").resolve("relay"), "quire", "");
          Statement st = c.createStatement()) {
        st.executeUpdate(
            "INSERT INTO batches (doc_id, author, client_id, batch_seq, first_revision,"
                + " op_count, base_revision, created_at, digest)"
                + " VALUES ('doc', 'alice', 'stray', 1, 2, 1, 0, 0, X'"
                + "00".repeat(32)
                + "')");
      }
      alice.send(new ClientMessage.Submit("doc", append("ca", 2, 1, 1, "b")));
      assertThat(alice.expectAck().firstRevision()).isEqualTo(2);

      assertThatThrownBy(() -> relay.store().backups().orElseThrow().backup(backups))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("not kept")
          .hasMessageContaining("journal acknowledged");
    }
    try (Stream<Path> files = Files.list(backups)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void damagedBackups_areReportedByTheVerification() throws Exception {
    Path zip;
    try (EmbeddedStorage store = EmbeddedStorage.open(dir.resolve("data"), 2)) {
      store.users().add("alice");
      zip = store.backup(dir.resolve("backups"));
    }
    assertThat(RelayBackup.verify(zip).users()).isEqualTo(1);
    byte[] good = Files.readAllBytes(zip);

    Path truncated = dir.resolve("truncated.zip");
    Files.write(truncated, java.util.Arrays.copyOf(good, good.length / 2));
    assertThatThrownBy(() -> RelayBackup.verify(truncated))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("does not verify");

    // A byte flipped in each of several places: never taken for a good backup.
    for (int at : new int[] {good.length / 4, good.length / 2, good.length - 30}) {
      byte[] bad = good.clone();
      bad[at] ^= 0x5a;
      Path flipped = dir.resolve("flipped-" + at + ".zip");
      Files.write(flipped, bad);
      assertThatThrownBy(() -> RelayBackup.verify(flipped))
          .as("byte %d of %d flipped", at, good.length)
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("does not verify");
    }
  }

  @Test
  void aBackupWhoseHistoryLacksARevision_isReportedByTheVerification() throws Exception {
    Path zip;
    try (Relay relay = RelayFixture.start(dir)) {
      TestClient alice = TestClient.login(relay.port(), relay.store().users().add("alice"), "ca");
      RelayFixture.create(alice, "doc");
      for (int i = 0; i < 3; i++) {
        alice.send(new ClientMessage.Submit("doc", append("ca", i + 1, i, i, "x")));
        alice.expectAck();
      }
      zip = relay.store().backups().orElseThrow().backup(dir.resolve("backups"));
    }
    // A well-formed zip whose database lost the batch at revision 2.
    Path db = dir.resolve("tampered");
    unzip(zip, db);
    try (Connection c =
            DriverManager.getConnection("jdbc:h2:file:" + db.resolve("relay"), "quire", "");
        Statement st = c.createStatement()) {
      st.executeUpdate("DELETE FROM batches WHERE doc_id = 'doc' AND first_revision = 2");
    }
    Path tampered = dir.resolve("tampered.zip");
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(tampered))) {
      out.putNextEntry(new ZipEntry("relay.mv.db"));
      Files.copy(db.resolve("relay.mv.db"), out);
      out.closeEntry();
    }
    assertThatThrownBy(() -> RelayBackup.verify(tampered))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("document doc is at revision 3 but its history holds 2 revisions");
  }

  @Test
  void backupCommand_worksWhileTheRelayRuns_andWhileItIsStopped_andVerifiesBackups()
      throws Exception {
    String data = dir.resolve("data").toString();
    Path whileRunning = dir.resolve("out").resolve("running.zip");
    RelayMain main = new RelayMain();
    new CommandLine(main).parseArgs("--data", data, "--port", "0", "--metrics-port", "-1");
    try (Relay relay = Relay.start(main.config())) {
      TestClient alice = TestClient.login(relay.port(), relay.store().users().add("alice"), "ca");
      RelayFixture.create(alice, "doc");
      alice.send(new ClientMessage.Submit("doc", append("ca", 1, 0, 0, "a")));
      alice.expectAck();
      // The relay holds the database: this works only through the relay itself.
      assertThat(run("--data", data, "backup", "--to", whileRunning.toString()))
          .as(err.toString())
          .isZero();
      assertThat(out.toString())
          .matches(
              java.util.regex.Pattern.quote("verified " + whileRunning)
                  + ": schema \\d+, 1 documents, 1 revisions, 1 users\n");
      assertThat(run("backup", "--data", data, "--to", whileRunning.toString())).isEqualTo(1);
      assertThat(err.toString()).contains("exists already");
      Path claimed = dir.resolve("out").resolve("claimed.zip");
      Files.createFile(claimed.resolveSibling("claimed.zip.part")); // another backup's, or stale
      assertThat(run("backup", "--data", data, "--to", claimed.toString())).isEqualTo(1);
      assertThat(err.toString()).contains("is being written, or one was interrupted");
      assertThat(claimed.resolveSibling("claimed.zip.part")).exists(); // not ours to delete
      assertThat(claimed).doesNotExist();
      alice.send(new ClientMessage.Submit("doc", append("ca", 2, 1, 1, "b")));
      alice.expectAck();
    }
    Path whileStopped = dir.resolve("out").resolve("stopped.zip");
    assertThat(run("backup", "--data", data, "--to", whileStopped.toString()))
        .as(err.toString())
        .isZero();
    assertThat(out.toString()).contains("1 documents, 2 revisions");

    assertThat(run("backup", "--verify", whileRunning.toString())).isZero();
    assertThat(out.toString()).startsWith("verified " + whileRunning + ": schema ");
    byte[] bytes = Files.readAllBytes(whileStopped);
    Files.write(whileStopped, java.util.Arrays.copyOf(bytes, bytes.length - 100));
    assertThat(run("backup", "--verify", whileStopped.toString())).isEqualTo(1);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString()).contains("does not verify");

    Path missing = dir.resolve("no-such-relay");
    assertThat(run("backup", "--data", missing.toString(), "--to", dir.resolve("x.zip").toString()))
        .isEqualTo(1);
    assertThat(err.toString()).contains("holds no relay data");
    assertThat(missing).doesNotExist();
    assertThat(run("backup", "--data", data)).isEqualTo(2);
    assertThat(err.toString()).contains("give either --to FILE or --verify FILE");
  }

  private StringWriter out = new StringWriter();
  private StringWriter err = new StringWriter();

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine cmd = RelayMain.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args);
  }

  /** Waits for {@code latch}, failing at once with a writer's failure if one fails meanwhile. */
  private static void awaitWhileRunning(CountDownLatch latch, List<Future<?>> writers)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!latch.await(100, TimeUnit.MILLISECONDS)) {
      for (Future<?> f : writers) {
        if (f.isDone()) {
          f.get(); // throws the writer's failure
        }
      }
      assertThat(System.nanoTime()).as("writers under way within 60 s").isLessThan(deadline);
    }
  }

  private static void unzip(Path zip, Path into) throws IOException {
    Files.createDirectories(into);
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        try (OutputStream out = Files.newOutputStream(into.resolve(e.getName()))) {
          in.transferTo(out);
        }
      }
    }
  }
}
