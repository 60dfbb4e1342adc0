package dev.quire.editor.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.store.Settings;
import dev.quire.editor.sync.DocumentSession;
import dev.quire.editor.sync.TestRelay;
import java.awt.Component;
import java.awt.Container;
import java.awt.Rectangle;
import java.awt.Window;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.swing.AbstractButton;
import javax.swing.JLabel;
import javax.swing.JMenu;
import javax.swing.JMenuItem;
import javax.swing.JTextField;
import javax.swing.SwingUtilities;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Sync › Settings with several relay addresses: a bad entry is named, two good ones are used. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SettingsDialogTest {
  @TempDir Path dir;
  private LocalStore store;
  private EditorWindow window;

  @BeforeEach
  void open() {
    Gui.requireDisplay();
    store = LocalStore.open(dir.resolve("profile"));
    store.createDocument("doc", "notes.md", 1, false, DocumentSession.insertsOf("notes\n")).join();
    window = EditorApp.show(store, Settings.empty(), new Rectangle(0, 0, 800, 600), false, "doc");
    Gui.await("doc open", () -> window.session() != null);
  }

  @AfterEach
  void close() throws InterruptedException {
    Window d = Gui.onEdt(SettingsDialogTest::dialog);
    if (d != null) {
      Gui.run(d::dispose);
    }
    CountDownLatch closed = new CountDownLatch(1);
    Gui.run(
        () -> {
          window.onClosed(closed::countDown);
          window.close();
        });
    closed.await(30, TimeUnit.SECONDS);
  }

  @Test
  void badEntry_isNamedUnderTheField_andNothingIsSaved() {
    Window d = openSettings();
    set(d, "settings.relay", "ws://127.0.0.1:7070,,ws://127.0.0.1:7071");
    click(d, "settings.ok");
    assertThat(Gui.onEdt(d::isShowing)).as("still open").isTrue();
    assertThat(Gui.onEdt(() -> find(d, "settings.problem", JLabel.class).getText()))
        .contains("Relay address 2 in")
        .contains("is empty");

    set(d, "settings.relay", "ws://127.0.0.1:7070,http://127.0.0.1:7071");
    click(d, "settings.ok");
    assertThat(Gui.onEdt(() -> find(d, "settings.problem", JLabel.class).getText()))
        .contains("Relay address \"http://127.0.0.1:7071\" does not start with ws://");
    click(d, "settings.cancel");
    Gui.await("the dialog closed", () -> dialog() == null);
    assertThat(store.settings().join()).isEqualTo(Settings.empty());
  }

  @Test
  void twoAddresses_areSavedAsAList_andTheStatusBarSaysWhichRelayIsUsed() throws Exception {
    try (TestRelay relay = TestRelay.start(dir.resolve("relay"))) {
      String token = relay.user("alice");
      URI dead = URI.create("ws://127.0.0.1:" + freePort());
      Window d = openSettings();
      set(d, "settings.relay", dead + "," + relay.uri());
      set(d, "settings.token", token);
      set(d, "settings.name", "Alice");
      click(d, "settings.ok");
      Gui.await("the dialog closed", () -> dialog() == null);

      assertThat(store.settings().join().relays()).containsExactly(dead, relay.uri());
      Gui.await(
          "the status bar naming the relay",
          () -> String.valueOf(window.statusBar().stateTooltip()).startsWith("Connected to "));
      assertThat(Gui.onEdt(() -> window.statusBar().stateTooltip()))
          .startsWith("Connected to " + relay.uri() + " (" + dead + ": connection refused");
      Gui.await("synced", () -> window.statusBar().stateText().equals("Synced"));

      Window again = openSettings(); // shows what was saved
      assertThat(Gui.onEdt(() -> find(again, "settings.relay", JTextField.class).getText()))
          .isEqualTo(dead + "," + relay.uri());
      click(again, "settings.cancel");
      Gui.await("the dialog closed", () -> dialog() == null);
    }
  }

  private Window openSettings() {
    JMenuItem item =
        Gui.onEdt(
            () -> {
              for (int i = 0; i < window.getJMenuBar().getMenuCount(); i++) {
                JMenu menu = window.getJMenuBar().getMenu(i);
                for (int j = 0; j < menu.getItemCount(); j++) {
                  JMenuItem it = menu.getItem(j);
                  if (it != null && it.getText().equals("Settings…")) {
                    return it;
                  }
                }
              }
              return null;
            });
    assertThat(item).as("Sync › Settings…").isNotNull();
    SwingUtilities.invokeLater(item::doClick); // modal: it returns when the dialog closes
    Gui.await("the settings dialog", () -> dialog() != null);
    return Gui.onEdt(SettingsDialogTest::dialog);
  }

  private static Window dialog() {
    for (Window w : Window.getWindows()) {
      if (w instanceof SettingsDialog && w.isShowing()) {
        return w;
      }
    }
    return null;
  }

  private static void set(Window d, String name, String text) {
    Gui.run(() -> find(d, name, JTextField.class).setText(text));
  }

  private static void click(Window d, String name) {
    Gui.run(() -> find(d, name, AbstractButton.class).doClick());
  }

  private static <T> T find(Container in, String name, Class<T> type) {
    for (Component c : in.getComponents()) {
      if (name.equals(c.getName()) && type.isInstance(c)) {
        return type.cast(c);
      }
      if (c instanceof Container inner) {
        T found = find(inner, name, type);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
