package dev.quire.editor.cli;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.store.Settings;
import dev.quire.editor.sync.DocumentSession;
import dev.quire.editor.ui.EditorApp;
import dev.quire.editor.ui.EditorWindow;
import java.awt.GraphicsEnvironment;
import java.awt.Rectangle;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code quire demo}: live co-editing in one command. Starts a relay on loopback with a throw-away
 * data directory and two users, makes a profile for each (Alice and Bob) and opens an editor window
 * for each, side by side, on a sample document Alice creates and shares with Bob. Closing both
 * windows stops the relay and deletes everything the demo made.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Starts a relay on loopback with two users, alice and bob, and an editor window for each,"
          + " side by side, co-editing a sample document that Alice shares with Bob. Everything"
          + " is thrown away when both windows are closed."
    })
final class DemoCommand implements Callable<Integer> {
  private static final Pattern LISTENING = Pattern.compile("listening on [^:]+:(\\d+)");

  @Spec CommandSpec spec;

  @Option(names = "--theme", description = "light or dark (default: light)")
  String theme = "light";

  @Option(
      names = "--keep",
      description = "keep the demo's data directory (its path is printed) instead of deleting it")
  boolean keep;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String problem = EditorApp.cannotShowWindows();
    if (problem != null) {
      err.println("quire demo: " + problem);
      return ExitCodes.FAILED;
    }
    boolean dark = EditCommand.parseTheme(theme);
    Path dir = Files.createTempDirectory("quire-demo-");
    Process relay = null;
    try {
      Path data = dir.resolve("relay");
      String aliceToken = addUser(data, "alice");
      String bobToken = addUser(data, "bob");
      relay = startRelay(data);
      int port = portOf(relay);
      String url = "ws://127.0.0.1:" + port;
      out.println("relay on " + url + ", demo data in " + dir);
      out.flush();
      Process started = relay;
      Runtime.getRuntime().addShutdownHook(new Thread(started::destroy));

      LocalStore alice = LocalStore.open(dir.resolve("alice"));
      LocalStore bob = LocalStore.open(dir.resolve("bob"));
      alice.saveSettings(Settings.of(url, aliceToken, "Alice", "#e11d48")).join();
      bob.saveSettings(Settings.of(url, bobToken, "Bob", "#2563eb")).join();
      alice
          .createDocument(
              "welcome",
              "welcome.md",
              System.currentTimeMillis(),
              false,
              DocumentSession.insertsOf(sample()))
          .join();

      Rectangle screen = GraphicsEnvironment.getLocalGraphicsEnvironment().getMaximumWindowBounds();
      int w = screen.width / 2;
      EditorWindow left =
          EditorApp.show(
              alice,
              alice.settings().join(),
              new Rectangle(screen.x, screen.y, w, screen.height),
              dark,
              "welcome");
      awaitOnRelay(alice, "welcome"); // so that Alice can share it and Bob find it
      share(left, "welcome", "bob");
      EditorWindow right =
          EditorApp.show(
              bob,
              bob.settings().join(),
              new Rectangle(screen.x + w, screen.y, screen.width - w, screen.height),
              dark,
              null); // Bob's copy of the document arrives from the relay and opens by itself
      EditorApp.awaitClosed(left, right);
      return ExitCodes.OK;
    } finally {
      if (relay != null) {
        relay.destroy(); // SIGTERM: the relay finishes its commits and closes H2
        relay.waitFor(10, TimeUnit.SECONDS);
      }
      if (keep) {
        out.println("demo data kept in " + dir);
      } else {
        deleteTree(dir);
      }
      out.flush();
    }
  }

  /** Waits (up to 15 s) until the document has reached the relay. */
  private static void awaitOnRelay(LocalStore store, String id) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      if (store.document(id).join().map(d -> d.onRelay()).orElse(false)) {
        return;
      }
      Thread.sleep(100);
    }
  }

  private static Process startRelay(Path data) throws IOException {
    return relayProcess("--port", "0", "--metrics-port", "-1", "--data", data.toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  private static ProcessBuilder relayProcess(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-jar");
    cmd.add(relayJar().toString());
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd);
  }

  /** {@code quire relay user add NAME}: the user's token, which it prints once. */
  private static String addUser(Path data, String name) throws IOException, InterruptedException {
    Process p =
        relayProcess("user", "--data", data.toString(), "add", name)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String token = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (p.waitFor() != 0 || token.isEmpty() || token.contains("\n")) {
      throw new CliException(ExitCodes.FAILED, "could not add the demo user " + name);
    }
    return token;
  }

  /** Alice, the document's owner, lets Bob edit it. */
  private static void share(EditorWindow owner, String doc, String user) throws Exception {
    java.util.concurrent.CompletableFuture<Void> shared =
        new java.util.concurrent.CompletableFuture<>();
    javax.swing.SwingUtilities.invokeAndWait(
        () ->
            owner
                .share(doc, user, dev.quire.ot.protocol.Role.EDITOR)
                .whenComplete(
                    (v, e) -> {
                      if (e != null) {
                        shared.completeExceptionally(e);
                      } else {
                        shared.complete(null);
                      }
                    }));
    shared.get(15, TimeUnit.SECONDS);
  }

  /** Reads the relay's first line, {@code listening on HOST:PORT}. */
  private static int portOf(Process relay) throws IOException {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(relay.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      Matcher m = LISTENING.matcher(line);
      if (m.find()) {
        // Keep draining its output so the relay never blocks writing to a full pipe.
        Thread drain = new Thread(() -> in.lines().forEach(l -> {}), "quire-demo-relay-out");
        drain.setDaemon(true);
        drain.start();
        return Integer.parseInt(m.group(1));
      }
    }
    throw new CliException(ExitCodes.FAILED, "the relay stopped before it listened");
  }

  /** The relay's jar: named by the launcher, or beside this jar in the source tree. */
  static Path relayJar() {
    String named = System.getProperty("quire.relay.jar");
    if (named != null) {
      return Path.of(named);
    }
    try {
      Path self =
          Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path target = self.getParent(); // editor/target (jar) or editor/target/classes
      if (target.getFileName().toString().equals("classes")) {
        target = target.getParent();
      }
      Path relayTarget = target.getParent().getParent().resolve("relay").resolve("target");
      try (Stream<Path> jars = Files.list(relayTarget)) {
        return jars.filter(p -> p.getFileName().toString().matches("quire-relay-.*\\.jar"))
            .findFirst()
            .orElseThrow(
                () -> new CliException(ExitCodes.FAILED, "no relay jar in " + relayTarget));
      }
    } catch (URISyntaxException | IOException e) {
      throw new CliException(ExitCodes.FAILED, "cannot find the relay jar: " + e.getMessage());
    }
  }

  private static String sample() throws IOException {
    try (InputStream in = DemoCommand.class.getResourceAsStream("/demo/welcome.md")) {
      if (in == null) {
        throw new IllegalStateException("demo/welcome.md missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException | UncheckedIOException e) {
      System.err.println("quire demo: could not delete " + dir + ": " + e.getMessage());
    }
  }
}
