package dev.quire.editor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.quire.editor.sync.TestRelay;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What the command line says when something goes wrong: the truth, and the reason. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CliMessagesTest {
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

  private String profile() {
    return dir.resolve("profile").toString();
  }

  private void importNotes() throws Exception {
    Path in = dir.resolve("notes.txt");
    Files.writeString(in, "some text", StandardCharsets.UTF_8);
    assertThat(run("import", "--profile", profile(), in.toString(), "--id", "notes")).isZero();
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void unknownCommand_saysSoAndSuggestsTheNearest() {
    assertThat(run("shwo", "notes")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString())
        .startsWith("quire: unknown command 'shwo'")
        .contains("quire show")
        .contains("quire --help")
        .doesNotContain("Unmatched");
  }

  @Test
  void missingFiles_sayTheyDoNotExist() {
    assertThat(run("import", "--profile", profile(), dir.resolve("nope.txt").toString()))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("nope.txt does not exist");
  }

  @Test
  void exportIntoAMissingDirectory_saysItDoesNotExist() throws Exception {
    importNotes();
    Path target = dir.resolve("no-such-dir").resolve("out.txt");
    assertThat(run("export", "--profile", profile(), "notes", target.toString()))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("no-such-dir does not exist");
  }

  /** The command list shows whole sentences; no description is wrapped into short fragments. */
  @Test
  void help_rendersDescriptionsWhole() {
    assertThat(run("--help")).isZero();
    String help = out.toString();
    String commands = help.substring(help.indexOf("Commands:"));
    // Each command's summary (its row plus continuation lines) is one or more whole sentences.
    for (String row : commands.split("\n(?=  \\S)")) {
      if (row.startsWith("Commands:")) {
        continue;
      }
      String summary = row.replaceAll("\\s+", " ").trim();
      assertThat(summary).as(summary).matches(".*[.)]$");
    }
    for (String sub : QuireCli.commandLine().getSubcommands().keySet()) {
      assertThat(run(sub, "--help")).as(sub).isZero();
      List<String> lines = descriptionLines(out.toString());
      int width = lines.stream().mapToInt(String::length).max().orElse(0);
      for (int i = 0; i + 1 < lines.size(); i++) {
        String line = lines.get(i);
        boolean paragraphEnds = lines.get(i + 1).isBlank() || line.matches(".*[.:]$");
        assertThat(paragraphEnds || line.length() > width / 2)
            .as(sub + " --help wraps into a fragment: '" + line + "'")
            .isTrue();
      }
    }
  }

  /** The lines between the synopsis and the first option or parameter. */
  private static List<String> descriptionLines(String help) {
    List<String> lines = new ArrayList<>();
    boolean inSynopsis = true;
    for (String line : help.split("\n")) {
      if (inSynopsis) {
        inSynopsis = !line.isEmpty() && (line.startsWith("Usage") || line.startsWith(" "));
        if (inSynopsis) {
          continue;
        }
      }
      if (line.startsWith(" ")) { // the options and parameters, indented

        break;
      }
      lines.add(line);
    }
    return lines;
  }

  @Test
  void sync_toAPortNobodyListensOn_saysConnectionRefused_andNeverSynced() throws Exception {
    importNotes();
    int port = freePort();
    assertThat(
            run(
                "sync",
                "--profile",
                profile(),
                "--relay",
                "ws://127.0.0.1:" + port,
                "--token",
                "t",
                "--timeout",
                "2"))
        .isEqualTo(ExitCodes.FAILED);
    assertThat(err.toString())
        .contains("connection refused")
        .contains("127.0.0.1:" + port)
        .contains("not synced after 2 s")
        .contains("1 edit unsent")
        .doesNotContainPattern(Pattern.compile(": synced"));
  }

  @Test
  void sync_toAPortThatNeverAnswers_saysNoAnswer() throws Exception {
    importNotes();
    try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      assertThat(
              run(
                  "sync",
                  "--profile",
                  profile(),
                  "--relay",
                  "ws://127.0.0.1:" + silent.getLocalPort(),
                  "--token",
                  "t",
                  "--timeout",
                  "2"))
          .isEqualTo(ExitCodes.FAILED);
    }
    assertThat(err.toString()).contains("no answer").doesNotContain("offline");
  }

  @Test
  void sync_toAPortThatIsNotAWebSocket_saysSo() throws Exception {
    importNotes();
    HttpServer http =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(404, -1);
          exchange.close();
        });
    http.start();
    try {
      String relay = "ws://127.0.0.1:" + http.getAddress().getPort();
      assertThat(
              run(
                  "sync",
                  "--profile",
                  profile(),
                  "--relay",
                  relay,
                  "--token",
                  "t",
                  "--timeout",
                  "3"))
          .isEqualTo(ExitCodes.FAILED);
      assertThat(err.toString()).contains("not a WebSocket");

    } finally {
      http.stop(0);
    }
  }

  /** A wss:// relay whose port answers in plain text: the TLS handshake fails, and it says so. */
  @Test
  void sync_whenTlsFails_saysSo() throws Exception {
    importNotes();
    try (ServerSocket plain = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      Thread server =
          new Thread(
              () -> {
                while (!plain.isClosed()) {
                  try (Socket s = plain.accept()) {
                    s.getOutputStream()
                        .write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.UTF_8));
                    s.getOutputStream().flush();
                  } catch (IOException e) {
                    return; // closed at the end of the test
                  }
                }
              });
      server.setDaemon(true);
      server.start();
      String tls = "wss://127.0.0.1:" + plain.getLocalPort();
      assertThat(
              run("sync", "--profile", profile(), "--relay", tls, "--token", "t", "--timeout", "3"))
          .isEqualTo(ExitCodes.FAILED);
    }
    assertThat(err.toString()).contains("TLS failed");
  }

  @Test
  void sync_withAWrongToken_saysSoOnce() throws Exception {
    importNotes();
    try (TestRelay relay = TestRelay.start(dir.resolve("relay"))) {
      relay.user("alice");
      assertThat(
              run(
                  "sync",
                  "--profile",
                  profile(),
                  "--relay",
                  relay.uri().toString(),
                  "--token",
                  "wrong",
                  "--timeout",
                  "20"))
          .isEqualTo(ExitCodes.FAILED);
    }
    assertThat(err.toString()).contains("UNAUTHORIZED");
    assertThat(err.toString().split("UNAUTHORIZED", -1)).hasSize(2);
  }

  @Test
  void sync_withTheFirstRelayDown_usesTheNext_andSaysWhich() throws Exception {
    importNotes();
    String dead = "ws://127.0.0.1:" + freePort();
    try (TestRelay relay = TestRelay.start(dir.resolve("relay"))) {
      String token = relay.user("alice");
      String relays = dead + "," + relay.uri();
      assertThat(run("sync", "--profile", profile(), "--relay", relays, "--token", token))
          .isEqualTo(ExitCodes.OK);
      assertThat(err.toString())
          .contains(
              "quire sync: connected to "
                  + relay.uri()
                  + " ("
                  + dead
                  + ": connection refused: nothing listens on "
                  + dead.substring("ws://".length())
                  + ")");
      assertThat(out.toString()).contains("notes\tsynced");
      // Remembered as a list: the next sync tries both again, in order.
      assertThat(run("sync", "--profile", profile())).isEqualTo(ExitCodes.OK);
      assertThat(err.toString()).contains("connected to " + relay.uri() + " (" + dead + ": ");
    }
  }

  @Test
  void sync_withNoRelayReachable_namesEachAndWhy() throws Exception {
    importNotes();
    String first = "ws://127.0.0.1:" + freePort();
    String second = "ws://127.0.0.1:" + freePort();
    assertThat(
            run(
                "sync",
                "--profile",
                profile(),
                "--relay",
                first + "," + second,
                "--token",
                "t",
                "--timeout",
                "2"))
        .isEqualTo(ExitCodes.FAILED);
    assertThat(err.toString())
        .contains(
            "cannot reach any of the 2 relays: "
                + first
                + ": connection refused: nothing listens on "
                + first.substring("ws://".length())
                + "; "
                + second
                + ": connection refused")
        .contains("not synced after 2 s");
  }

  @Test
  void sync_withABadRelayEntry_namesIt_andSavesNothing() throws Exception {
    importNotes();
    for (String[] bad :
        new String[][] {
          {"ws://a:1,,ws://b:2", "relay address 2 in \"ws://a:1,,ws://b:2\" is empty"},
          {"ws://a:1,http://b:2", "relay address \"http://b:2\" does not start with ws://"},
          {"ws://a:1,ws://a:1", "relay address \"ws://a:1\" is given twice"},
          {"ws://a:1, ws://b:2", "relay address \" ws://b:2\" contains a space"}
        }) {
      assertThat(run("sync", "--profile", profile(), "--relay", bad[0], "--token", "t"))
          .as(bad[0])
          .isEqualTo(ExitCodes.USAGE);
      assertThat(err.toString()).as(bad[0]).contains("--relay: " + bad[1]);
    }
    assertThat(run("sync", "--profile", profile())).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("no relay"); // nothing was saved
  }

  /** sync --watch names the document on each line, and says when the relay goes away. */
  @Test
  void syncWatch_namesTheDocument_andSaysWhenTheRelayIsLost() throws Exception {
    importNotes();
    try (TestRelay relay = TestRelay.start(dir.resolve("relay"))) {
      String token = relay.user("alice");
      StringWriter watchOut = new StringWriter();
      StringWriter watchErr = new StringWriter();
      CommandLine cmd = QuireCli.commandLine();
      cmd.setOut(new PrintWriter(watchOut, true));
      cmd.setErr(new PrintWriter(watchErr, true));
      Thread watch =
          new Thread(
              () ->
                  cmd.execute(
                      "sync",
                      "--watch",
                      "--profile",
                      profile(),
                      "--relay",
                      relay.uri().toString(),
                      "--token",
                      token));
      watch.start();
      try {
        await(() -> watchOut.toString().matches("(?s).*\\tnotes\\tsynced\\n.*"));
        relay.stop();
        await(() -> watchErr.toString().contains("lost the connection to " + relay.uri()));
      } finally {
        watch.interrupt();
        watch.join(30_000);
      }
      assertThat(watch.isAlive()).isFalse();
    }
  }

  private static void await(Supplier<Boolean> condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.get()) {
      assertThat(System.nanoTime()).as("condition within 30 s").isLessThan(deadline);
      Thread.sleep(20);
    }
  }
}
