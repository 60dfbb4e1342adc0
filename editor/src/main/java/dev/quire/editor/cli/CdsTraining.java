package dev.quire.editor.cli;

import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.Limits;
import dev.quire.ot.protocol.ProtocolCodec;
import dev.quire.ot.protocol.ServerMessage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * The launcher's training run for class-data sharing: run with {@code -XX:ArchiveClassesAtExit}
 * when the archive is missing or older than the jar, it runs the short commands once on a
 * throw-away profile, and sync up to a relay that is not there, and loads the windows' look and
 * text area, so that the archive holds the classes they load (docs/performance.md). Prints nothing;
 * exits 0 even when a command fails.
 */
public final class CdsTraining {
  private CdsTraining() {}

  public static void main(String[] args) throws IOException {
    Path dir = Files.createTempDirectory("quire-cds-training");
    try {
      Path file = dir.resolve("a.txt");
      Files.writeString(file, "some text\n");
      String profile = dir.resolve("profile").toString();
      run("import", "--profile", profile, file.toString(), "--id", "a");
      run("docs", "--profile", profile);
      run("show", "--profile", profile, "a");
      run("show", "--profile", profile, "a", "--rev", "0");
      run("history", "--profile", profile, "a");
      run("export", "--profile", profile, "a", dir.resolve("b.txt").toString());
      run("rename", "--profile", profile, "a", "b");
      // sync: the protocol's JSON both ways, and a connection refused by a port nobody holds.
      ProtocolCodec.decodeRequest(
          ProtocolCodec.encode("1", new ClientMessage.Hello(ProtocolCodec.VERSION, "t", "c")));
      ProtocolCodec.decodeReply(
          ProtocolCodec.encode(
              new ServerMessage.Welcome(
                  ProtocolCodec.VERSION,
                  "u",
                  "s",
                  false,
                  new Limits(1 << 20, 1000, 2000, 500, 1000),
                  "fake-relay")));
      int port;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      }
      run(
          "sync",
          "--profile",
          profile,
          "--relay",
          "ws://127.0.0.1:" + port,
          "--token",
          "t",
          "--timeout",
          "1");
      warmUpWindows();
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    System.exit(0);
  }

  /**
   * The windows' look (FlatLaf) and text area (RSyntaxTextArea): most of the classes a window
   * loads, and most of the time before the first one shows. Nothing is shown. Without a display the
   * look may refuse to load part-way; what loaded until then is archived all the same.
   */
  private static void warmUpWindows() {
    try {
      dev.quire.editor.ui.EditorApp.prepareLook(false);
      dev.quire.editor.ui.EditorApp.prepareTextArea();
    } catch (RuntimeException | java.awt.AWTError e) {
      // headless, or no fonts: the command-line classes are archived regardless
    }
  }

  private static void run(String... args) {
    CommandLine cmd = QuireCli.commandLine();
    cmd.setOut(new PrintWriter(Writer.nullWriter()));
    cmd.setErr(new PrintWriter(Writer.nullWriter()));
    cmd.execute(args);
  }
}
