package dev.quire.relay;

import static dev.quire.relay.RelayFixture.append;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.protocol.ClientMessage;
import dev.quire.relay.store.EmbeddedStorage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The relay as a separate process, as {@code ./quire relay} runs it: it prints where it listens,
 * holds its data directory exclusively, and stops cleanly on SIGTERM with every acknowledged edit
 * stored.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RelayProcessTest {
  static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

  @TempDir Path dir;

  /**
   * Starts {@code RelayMain} in a new JVM with the test class path, on a free port, with its data
   * in {@code data} and its log in {@code log}; the first line of its output names the port.
   */
  static Process startRelay(Path data, Path log) throws Exception {
    return startRelay(data, log, 0);
  }

  static Process startRelay(Path data, Path log, int port) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
            List.of(
                java,
                "-DQUIRE_TEST_LOG_LEVEL=INFO",
                "-cp",
                System.getProperty("java.class.path"),
                RelayMain.class.getName(),
                "--metrics-port",
                "-1"));
    // Port and data directory come from the environment, as they may in a deployment.
    builder.environment().put("QUIRE_RELAY_PORT", String.valueOf(port));
    builder.environment().put("QUIRE_RELAY_DATA", data.toString());
    return builder.redirectError(log.toFile()).start();
  }

  @Test
  void processPrintsItsPort_holdsItsData_andStopsCleanlyOnSigterm() throws Exception {
    Path data = dir.resolve("data");
    String token;
    try (EmbeddedStorage store = EmbeddedStorage.open(data, 2)) {
      token = store.users().add("alice");
    }
    Path log = dir.resolve("relay.log");
    Process relay = startRelay(data, log);
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(relay.getInputStream(), StandardCharsets.UTF_8));
      Matcher m = LISTENING.matcher(String.valueOf(out.readLine()));
      assertThat(m.find()).as("first line names the port").isTrue();
      int port = Integer.parseInt(m.group(1));

      TestClient alice = TestClient.login(port, token, "ca");
      RelayFixture.create(alice, "doc");
      for (int i = 0; i < 20; i++) {
        alice.send(new ClientMessage.Submit("doc", append("ca", i + 1, i, i, "x")));
        alice.expectAck();
      }

      // The relay holds the database; user commands from another process go through it.
      StringWriter adminOut = new StringWriter();
      CommandLine admin = RelayMain.commandLine();
      admin.setOut(new PrintWriter(adminOut, true));
      admin.setErr(new PrintWriter(new StringWriter(), true));
      assertThat(admin.execute("--data", data.toString(), "user", "list")).isZero();
      assertThat(adminOut.toString()).contains("alice");

      // A second relay on the same port says so in one line, without a stack trace.
      Path otherLog = dir.resolve("other.log");
      Process other = startRelay(dir.resolve("other"), otherLog, port);
      assertThat(other.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(other.exitValue()).isEqualTo(1);
      assertThat(Files.readString(otherLog))
          .contains("port " + port + " is already in use")
          .doesNotContain("\tat ")
          .doesNotContain("Exception");

      relay.destroy(); // SIGTERM
      assertThat(relay.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(alice.awaitClosed()).isTrue();
    } finally {
      relay.destroyForcibly();
    }
    assertThat(Files.readString(log)).contains("listening on").contains("Quire relay stopped");
    try (EmbeddedStorage store = EmbeddedStorage.open(data, 2)) {
      assertThat(store.documents().find("doc").orElseThrow().head()).isEqualTo(20);
      assertThat(store.history().page("doc", 0, 100)).hasSize(20);
    }
  }
}
