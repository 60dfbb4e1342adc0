package dev.quire.editor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.ui.EditorWindow;
import dev.quire.editor.ui.StartingWindow;
import java.awt.GraphicsEnvironment;
import java.awt.Window;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import javax.swing.SwingUtilities;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code quire demo} in real windows with a real relay process: something shows at once (the
 * starting window, before any editor window), both windows end up co-editing, and {@code --timings}
 * says where the start-up time went.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DemoStartTest {
  @TempDir Path dir;

  @Test
  void theDemoShowsItIsStartingAtOnce_thenTwoWindowsCoEditing() throws Exception {
    assertThat(GraphicsEnvironment.isHeadless()).as("run under xvfb-run -a").isFalse();
    System.setProperty("quire.relay.jar", relayJar().toString());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = QuireCli.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    CompletableFuture<Integer> demo =
        CompletableFuture.supplyAsync(() -> cmd.execute("demo", "--quit-when-ready", "--timings"))
            .whenComplete((exit, e) -> System.clearProperty("quire.relay.jar"));

    long startingSeen = -1;
    long editorSeen = -1;
    boolean startingDrawn = false;
    java.awt.Robot robot = new java.awt.Robot();
    while (!demo.isDone() && editorSeen < 0) {
      long now = System.nanoTime();
      boolean[] showing = onEdt();
      if (showing[0] && startingSeen < 0) {
        startingSeen = now;
      }
      if (showing[0] && !startingDrawn) {
        // Drawn while the event thread is busy loading the look and the text area: its bar shows.
        startingDrawn = hasAccent(robot.createScreenCapture(startingBounds()));
      }
      if (showing[1]) {
        editorSeen = now;
      }
      Thread.sleep(5); // sampling what is on screen: nothing signals it
    }
    assertThat(demo.get(120, TimeUnit.SECONDS)).as(err.toString()).isZero();
    assertThat(startingSeen).as("the starting window showed").isNotNegative();
    assertThat(editorSeen).as("an editor window showed").isNotNegative();
    assertThat(startingSeen).as("before the first editor window").isLessThan(editorSeen);
    assertThat(startingDrawn).as("the starting window drew its progress bar").isTrue();
    assertThat(out.toString()).containsPattern("ready after \\d+ ms");
    assertThat(err.toString())
        .contains("FlatLaf installed")
        .contains("RSyntaxTextArea loaded")
        .contains("Alice's profile open (H2, Flyway)")
        .contains("relay listening")
        .contains("users added")
        .contains("both windows shown")
        .contains("Alice's text painted")
        .contains("ready: two windows co-editing");
    assertThat(onEdt()[1]).as("the windows closed when asked to quit").isFalse();
  }

  private static java.awt.Rectangle startingBounds() throws Exception {
    java.awt.Rectangle[] r = {new java.awt.Rectangle(0, 0, 1, 1)};
    for (Window w : Window.getWindows()) {
      if (w instanceof StartingWindow && w.isShowing()) {
        r[0] = w.getBounds(); // an AWT window: readable off the event thread
      }
    }
    return r[0];
  }

  private static boolean hasAccent(java.awt.image.BufferedImage img) {
    for (int x = 0; x < img.getWidth(); x++) {
      for (int y = 0; y < img.getHeight(); y++) {
        if ((img.getRGB(x, y) & 0xffffff) == 0x2563eb) {
          return true;
        }
      }
    }
    return false;
  }

  /** {starting window showing, editor window showing}. */
  private static boolean[] onEdt() throws Exception {
    boolean[] showing = new boolean[2];
    SwingUtilities.invokeAndWait(
        () -> {
          for (Window w : Window.getWindows()) {
            showing[0] |= w instanceof StartingWindow && w.isShowing();
            showing[1] |= w instanceof EditorWindow && w.isShowing();
          }
        });
    return showing;
  }

  /**
   * A jar that runs the relay from this test's class path (its manifest names the main class and
   * the class path), as the demo runs the relay's own jar.
   */
  private Path relayJar() throws IOException {
    Manifest m = new Manifest();
    m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "dev.quire.relay.RelayMain");
    m.getMainAttributes()
        .put(
            Attributes.Name.CLASS_PATH,
            Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !Path.of(e).startsWith(Path.of("").toAbsolutePath())) // not the editor
                .map(e -> Path.of(e).toUri().toString())
                .collect(Collectors.joining(" ")));
    Path jar = Files.createDirectories(dir.resolve("relay")).resolve("quire-relay-test.jar");
    try (OutputStream o = Files.newOutputStream(jar);
        JarOutputStream j = new JarOutputStream(o, m)) {
      j.flush();
    }
    return jar;
  }
}
