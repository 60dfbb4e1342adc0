package dev.quire.relay;

import static dev.quire.relay.RelayFixture.append;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.relay.postgres.PostgresServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ./quire relay --database URL} as a separate process on a real PostgreSQL: users made by
 * the admin commands on the database, edits acknowledged through the relay, and after a restart the
 * history is all there; nothing goes to the data directory.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PostgresRelayProcessTest {
  @TempDir Path dir;

  /** Starts the relay on {@code database}: from the environment, or as the option when asked. */
  private Process startRelay(String database, boolean asOption, Path log) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                "-DQUIRE_TEST_LOG_LEVEL=INFO",
                "-cp",
                System.getProperty("java.class.path"),
                RelayMain.class.getName(),
                "--metrics-port",
                "-1",
                "--port",
                "0"));
    if (asOption) {
      command.addAll(List.of("--database", database));
    }
    ProcessBuilder builder = new ProcessBuilder(command);
    if (!asOption) {
      builder.environment().put("QUIRE_RELAY_DATABASE", database);
    }
    builder.environment().put("QUIRE_RELAY_DATA", dir.resolve("unused").toString());
    return builder.redirectError(log.toFile()).start();
  }

  private static int port(Process relay) throws Exception {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(relay.getInputStream(), StandardCharsets.UTF_8));
    Matcher m = RelayProcessTest.LISTENING.matcher(String.valueOf(out.readLine()));
    assertThat(m.find()).as("first line names the port").isTrue();
    return Integer.parseInt(m.group(1));
  }

  private static String admin(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine admin = RelayMain.commandLine();
    admin.setOut(new PrintWriter(out, true));
    admin.setErr(new PrintWriter(err, true));
    assertThat(admin.execute(args)).as(err.toString()).isZero();
    return out.toString();
  }

  @Test
  void editsThroughARelayOnPostgresSurviveItsRestart() throws Exception {
    String database = PostgresServer.freshDatabase();
    String token = admin("--database", database, "user", "add", "alice").strip();

    Path log = dir.resolve("relay.log");
    Process relay = startRelay(database, false, log);
    try {
      TestClient alice = TestClient.login(port(relay), token, "ca");
      RelayFixture.create(alice, "doc");
      for (int i = 0; i < 20; i++) {
        alice.send(new ClientMessage.Submit("doc", append("ca", i + 1, i, i, "x")));
        assertThat(alice.expectAck().firstRevision()).isEqualTo(i + 1);
      }
      relay.destroy(); // SIGTERM
      assertThat(relay.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(alice.awaitClosed()).isTrue();
    } finally {
      relay.destroyForcibly();
    }
    assertThat(Files.readString(log)).contains("PostgreSQL").contains("Quire relay stopped");

    Process again = startRelay(database, true, dir.resolve("again.log"));
    try {
      TestClient alice = TestClient.login(port(again), token, "ca");
      List<WireSequenced> history = RelayFixture.openAll(alice, "doc", 0);
      assertThat(history).extracting(WireSequenced::firstRevision).hasSize(20).startsWith(1L);
      assertThat(history.get(19).firstRevision()).isEqualTo(20);
      // A resend of the last batch is recognised, and the next one follows it.
      alice.send(new ClientMessage.Submit("doc", append("ca", 20, 19, 19, "x")));
      ServerMessage.Ack resent = alice.expectAck();
      assertThat(resent.firstRevision()).isEqualTo(20);
      alice.send(new ClientMessage.Submit("doc", append("ca", 21, 20, 20, "y")));
      assertThat(alice.expectAck().firstRevision()).isEqualTo(21);
      assertThat(admin("--database", database, "user", "list")).contains("alice");
    } finally {
      again.destroy();
      assertThat(again.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(dir.resolve("unused")).doesNotExist();
  }
}
