package dev.quire.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.protocol.Role;
import dev.quire.relay.store.EmbeddedStorage;
import dev.quire.relay.store.PayloadKind;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RelayMainTest {
  @TempDir Path dir;

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

  private String data() {
    return dir.resolve("data").toString();
  }

  @Test
  void help_explainsEveryOptionAndItsEnvironmentVariable() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString())
        .contains("Usage: quire relay")
        .contains("--port", "QUIRE_RELAY_PORT", "--bind", "QUIRE_RELAY_BIND")
        .contains("--data", "QUIRE_RELAY_DATA", "--metrics-port", "--checkpoint-interval")
        .contains("--max-message-bytes", "--max-batch-operations", "--opaque", "--open")
        .contains("--backup-dir", "QUIRE_RELAY_BACKUP_DIR")
        .contains("--sync", "QUIRE_RELAY_SYNC", "power loss")
        .contains("--trash-days", "QUIRE_RELAY_TRASH_DAYS", "(default 30)")
        .contains("user", "grant");
  }

  @Test
  void defaults_areLoopbackPort7070AndADirectoryUnderHome() {
    RelayMain main = new RelayMain();
    new CommandLine(main).parseArgs();
    RelayConfig config = main.config();
    assertThat(config.bind()).isEqualTo("127.0.0.1");
    assertThat(config.port()).isEqualTo(7070);
    assertThat(config.openMode()).isFalse();
    assertThat(config.dataDir().toString()).startsWith(System.getProperty("user.home"));
    assertThat(config.backupDir()).isNull();
    assertThat(config.syncWrites()).isFalse();
    assertThat(config.trashRetentionMillis()).isEqualTo(30L * 24 * 3600 * 1000);
  }

  @Test
  void trashDays_setsTheRetention_andZeroIsRefused() {
    RelayMain main = new RelayMain();
    new CommandLine(main).parseArgs("--trash-days", "7");
    assertThat(main.config().trashRetentionMillis()).isEqualTo(7L * 24 * 3600 * 1000);
    assertThat(run("--trash-days", "0", "--data", data())).isEqualTo(2);
    assertThat(err.toString()).contains("--trash-days must be at least 1");
  }

  @Test
  void sync_forcesJournalWrites_andARelayWithItStoresAndServes() throws Exception {
    RelayMain main = new RelayMain();
    new CommandLine(main)
        .parseArgs("--sync", "--data", data(), "--port", "0", "--metrics-port", "-1");
    RelayConfig config = main.config();
    assertThat(config.syncWrites()).isTrue();
    try (Relay relay = Relay.start(config)) {
      TestClient alice = TestClient.login(relay.port(), relay.store().users().add("alice"), "ca");
      RelayFixture.create(alice, "doc");
      alice.send(
          new dev.quire.ot.protocol.ClientMessage.Submit(
              "doc", RelayFixture.append("ca", 1, 0, 0, "synced")));
      assertThat(alice.expectAck().firstRevision()).isEqualTo(1);
    }
    try (EmbeddedStorage store = EmbeddedStorage.open(dir.resolve("data"), 2)) {
      assertThat(store.history().page("doc", 0, 10)).hasSize(1);
    }
  }

  @Test
  void openMode_onANetworkAddress_isRefusedUnlessAllowed() {
    assertThat(run("--open", "--bind", "0.0.0.0", "--data", data())).isEqualTo(2);
    assertThat(err.toString()).contains("--allow-open-on-network");
    RelayMain main = new RelayMain();
    new CommandLine(main)
        .parseArgs("--open", "--bind", "0.0.0.0", "--allow-open-on-network", "--data", data());
    assertThat(main.config().openMode()).isTrue();
  }

  @Test
  void aSendQueueTooSmallForTwoMessages_isRefused() {
    // One reply is at most one message; a queue that cannot hold it would cut off every reader.
    assertThat(
            run(
                "--max-message-bytes",
                "1048576",
                "--max-queued-bytes",
                "1048576",
                "--data",
                data()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("at least twice maxMessageBytes");
  }

  @Test
  void userAdd_printsATokenOnce_andListAndRevokeWork() {
    assertThat(run("user", "add", "alice", "--data", data())).isZero();
    String token = out.toString().trim();
    assertThat(token).matches("[A-Za-z0-9_-]{43}");
    assertThat(err.toString()).contains("shown only now");
    assertThat(run("user", "list", "--data", data())).isZero();
    assertThat(out.toString()).contains("alice").contains("1 active token").doesNotContain(token);
    try (EmbeddedStorage store = EmbeddedStorage.open(dir.resolve("data"), 2)) {
      assertThat(store.users().authenticate(token)).contains("alice");
    }
    assertThat(run("user", "revoke", "alice", "--data", data())).isZero();
    assertThat(run("user", "list", "--data", data())).isZero();
    assertThat(out.toString()).contains("REVOKED");
    try (EmbeddedStorage store = EmbeddedStorage.open(dir.resolve("data"), 2)) {
      assertThat(store.users().authenticate(token)).isEmpty();
    }
  }

  @Test
  void userAdd_ofAnExistingName_fails() {
    assertThat(run("user", "add", "alice", "--data", data())).isZero();
    assertThat(run("user", "add", "alice", "--data", data())).isEqualTo(1);
    assertThat(err.toString()).contains("exists already");
  }

  @Test
  void grant_givesARoleOnADocument() {
    run("user", "add", "alice", "--data", data());
    run("user", "add", "bob", "--data", data());
    try (EmbeddedStorage store = EmbeddedStorage.open(dir.resolve("data"), 2)) {
      store.documents().create("doc", "T", "alice", 1, PayloadKind.READABLE);
    }
    assertThat(run("grant", "doc", "bob", "viewer", "--data", data())).isZero();
    try (EmbeddedStorage store = EmbeddedStorage.open(dir.resolve("data"), 2)) {
      assertThat(store.documents().role("doc", "bob")).contains(Role.VIEWER);
    }
    assertThat(run("grant", "doc", "alice", "viewer", "--data", data())).isEqualTo(1);
    assertThat(err.toString()).contains("owner");
    assertThat(run("grant", "nodoc", "bob", "viewer", "--data", data())).isEqualTo(1);
    assertThat(run("grant", "doc", "bob", "admin", "--data", data())).isEqualTo(1);
  }

  @Test
  void dataBeforeTheSubcommand_isTheDirectoryUsed() {
    assertThat(run("--data", data(), "user", "add", "bob")).isZero();
    String token = out.toString().trim();
    try (EmbeddedStorage store = EmbeddedStorage.open(dir.resolve("data"), 2)) {
      assertThat(store.users().authenticate(token)).contains("bob");
    }
    assertThat(run("--data", data(), "user", "list")).isZero();
    assertThat(out.toString()).contains("bob");
    assertThat(run("user", "--data", data(), "list")).isZero();
    assertThat(out.toString()).contains("bob");
  }

  @Test
  void help_worksOnEverySubcommand() {
    for (String[] args :
        new String[][] {
          {"user", "--help"},
          {"user", "add", "--help"},
          {"user", "list", "--help"},
          {"user", "token", "--help"},
          {"user", "revoke", "--help"},
          {"grant", "--help"}
        }) {
      assertThat(run(args)).as(String.join(" ", args)).isZero();
      assertThat(out.toString()).as(String.join(" ", args)).contains("Usage: quire relay");
    }
  }

  @Test
  void users_canBeAddedListedAndRevokedWhileTheRelayRuns() throws Exception {
    RelayMain main = new RelayMain();
    new CommandLine(main).parseArgs("--data", data(), "--port", "0", "--metrics-port", "-1");
    try (Relay relay = Relay.start(main.config())) {
      assertThat(run("--data", data(), "user", "add", "bob")).as(err.toString()).isZero();
      String token = out.toString().trim();
      assertThat(token).matches("[A-Za-z0-9_-]{43}");
      assertThat(err.toString()).contains("shown only now");
      TestClient bob = TestClient.login(relay.port(), token, "cb");
      RelayFixture.create(bob, "doc");

      assertThat(run("user", "list", "--data", data())).isZero();
      assertThat(out.toString()).contains("bob").contains("1 active token");
      assertThat(run("user", "add", "bob", "--data", data())).isEqualTo(1);
      assertThat(err.toString()).contains("exists already");

      assertThat(run("--data", data(), "user", "add", "carol")).isZero();
      assertThat(run("--data", data(), "grant", "doc", "carol", "viewer")).isZero();
      assertThat(relay.store().documents().role("doc", "carol")).contains(Role.VIEWER);

      assertThat(run("--data", data(), "user", "revoke", "bob")).isZero();
      assertThat(relay.store().users().authenticate(token)).isEmpty();
    }
    // Stopped, the commands open the data directory themselves again.
    assertThat(run("--data", data(), "user", "list")).isZero();
    assertThat(out.toString()).contains("REVOKED").contains("carol");
  }
}
