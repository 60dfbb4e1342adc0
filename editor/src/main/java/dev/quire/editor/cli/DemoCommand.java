package dev.quire.editor.cli;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.store.Settings;
import dev.quire.editor.sync.DocumentSession;
import dev.quire.editor.ui.EditorApp;
import dev.quire.editor.ui.EditorWindow;
import dev.quire.editor.ui.StartingWindow;
import java.awt.GraphicsEnvironment;
import java.awt.Rectangle;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
  private static final String DOC = "welcome";

  @Spec CommandSpec spec;

  @Option(names = "--theme", description = "light or dark (default: light)")
  String theme = "light";

  @Option(
      names = "--keep",
      description = "keep the demo's data directory (its path is printed) instead of deleting it")
  boolean keep;

  @Option(
      names = "--timings",
      description = "print when each phase of the start ends, in ms since the launch")
  boolean timings;

  @Option(
      names = "--quit-when-ready",
      hidden = true,
      description = "close both windows once they co-edit (bench/demo-startup.sh)")
  boolean quitWhenReady;

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
    StartupClock clock = new StartupClock(timings ? err : null);
    StartingWindow starting = StartingWindow.show("Quire demo", 3);
    starting.phase("Starting the relay, loading the editor");
    clock.mark("starting window asked for");
    Path dir = Files.createTempDirectory("quire-demo-");
    DemoRelay relay = null;
    try {
      // The relay (a process of its own) and the two profiles start side by side; the look and
      // the text area load meanwhile.
      CompletableFuture<DemoRelay> relayStarted =
          CompletableFuture.supplyAsync(() -> startRelay(dir.resolve("relay"), clock));
      CompletableFuture<LocalStore> aliceOpened = open(dir.resolve("alice"), "Alice", clock);
      CompletableFuture<LocalStore> bobOpened = open(dir.resolve("bob"), "Bob", clock);
      EditorApp.prepareLook(dark);
      clock.mark("FlatLaf installed");
      EditorApp.prepareTextArea();
      clock.mark("RSyntaxTextArea loaded");
      starting.phase("Opening Alice's and Bob's profiles");
      LocalStore alice = aliceOpened.join();
      alice
          .createDocument(
              DOC,
              "welcome.md",
              System.currentTimeMillis(),
              false,
              DocumentSession.insertsOf(sample()))
          .join();
      LocalStore bob = bobOpened.join();
      clock.mark("profiles open, sample document made");

      // The windows open while the relay may still be starting: they show the profiles' documents
      // offline, and connect once it is up.
      starting.phase("Opening the windows");
      Settings aliceOffline = offline("Alice", "#e11d48");
      Settings bobOffline = offline("Bob", "#2563eb");
      CompletableFuture.allOf(alice.saveSettings(aliceOffline), bob.saveSettings(bobOffline))
          .join();
      Rectangle screen = GraphicsEnvironment.getLocalGraphicsEnvironment().getMaximumWindowBounds();
      int w = screen.width / 2;
      EditorWindow left =
          EditorApp.show(
              alice, aliceOffline, new Rectangle(screen.x, screen.y, w, screen.height), dark, DOC);
      EditorApp.whenTextPainted(left, () -> clock.mark("Alice's text painted"));
      // Bob's copy of the document arrives from the relay once Alice shares it, and opens by
      // itself.
      EditorWindow right =
          EditorApp.show(
              bob,
              bobOffline,
              new Rectangle(screen.x + w, screen.y, screen.width - w, screen.height),
              dark,
              null);
      starting.close();
      clock.mark("both windows shown");

      try {
        relay = join(relayStarted);
        out.println("relay on " + relay.url() + ", demo data in " + dir);
        out.flush();
        Settings aliceSettings = online(aliceOffline, relay, "alice");
        Settings bobSettings = online(bobOffline, relay, "bob");
        CompletableFuture.allOf(alice.saveSettings(aliceSettings), bob.saveSettings(bobSettings))
            .join();
        clock.mark("users added");
        EditorApp.connect(left, aliceSettings);
        EditorApp.connect(right, bobSettings);
        awaitOnRelay(alice, DOC); // so that Alice can share it and Bob find it
        clock.mark("the document on the relay");
        share(left, DOC, "bob");
        clock.mark("shared with Bob");
        if (timings || quitWhenReady) { // only to report it: the windows are in use meanwhile
          awaitCoEditing(left, right);
          EditorApp.whenTextPainted(right, () -> clock.mark("Bob's text painted"));
          clock.mark("ready: two windows co-editing");
        }
        if (quitWhenReady) {
          out.println("ready after " + clock.elapsed() + " ms");
          out.flush();
          javax.swing.SwingUtilities.invokeAndWait(
              () -> {
                left.close();
                right.close();
              });
        }
      } catch (Exception | Error e) {
        javax.swing.SwingUtilities.invokeAndWait(
            () -> {
              left.close(); // the demo cannot go on: do not leave its windows behind
              right.close();
            });
        throw e;
      }
      EditorApp.awaitClosed(left, right);
      return ExitCodes.OK;
    } finally {
      starting.close();
      if (relay != null) {
        relay.close();
      }
      if (keep) {
        out.println("demo data kept in " + dir);
      } else {
        deleteTree(dir);
      }
      out.flush();
    }
  }

  private static Settings offline(String name, String colour) {
    return new Settings(java.util.List.of(), "", name, colour);
  }

  private static Settings online(Settings offline, DemoRelay relay, String user)
      throws IOException {
    return Settings.of(relay.url(), relay.addUser(user), offline.displayName(), offline.colour());
  }

  private static DemoRelay startRelay(Path data, StartupClock clock) {
    try {
      DemoRelay r = DemoRelay.start(data);
      clock.mark("relay listening");
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static CompletableFuture<LocalStore> open(Path dir, String who, StartupClock clock) {
    return CompletableFuture.supplyAsync(
        () -> {
          LocalStore s = LocalStore.open(dir);
          clock.mark(who + "'s profile open (H2, Flyway)");
          return s;
        });
  }

  private static <T> T join(CompletableFuture<T> f) throws IOException {
    try {
      return f.join();
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof UncheckedIOException u) {
        throw u.getCause();
      }
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  /** Waits (up to 15 s) until the document has reached the relay. */
  private static void awaitOnRelay(LocalStore store, String id) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      if (store.document(id).join().map(d -> d.onRelay()).orElse(false)) {
        return;
      }
      Thread.sleep(20);
    }
  }

  /** Waits (up to 30 s) until both windows show the document, synced, with the same text. */
  private static void awaitCoEditing(EditorWindow a, EditorWindow b) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      java.util.concurrent.atomic.AtomicBoolean ready =
          new java.util.concurrent.atomic.AtomicBoolean();
      javax.swing.SwingUtilities.invokeAndWait(
          () ->
              ready.set(
                  showsSynced(a)
                      && showsSynced(b)
                      && a.session().text().equals(b.session().text())));
      if (ready.get()) {
        return;
      }
      Thread.sleep(20);
    }
    throw new CliException(ExitCodes.FAILED, "the demo's windows did not start co-editing in 30 s");
  }

  private static boolean showsSynced(EditorWindow w) {
    DocumentSession s = w.session();
    return s != null && s.id().equals(DOC) && s.status().isSynced();
  }

  /** Alice, the document's owner, lets Bob edit it. */
  private static void share(EditorWindow owner, String doc, String user) throws Exception {
    CompletableFuture<Void> shared = new CompletableFuture<>();
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
