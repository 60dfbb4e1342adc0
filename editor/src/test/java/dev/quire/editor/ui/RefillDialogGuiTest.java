package dev.quire.editor.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.store.Settings;
import dev.quire.editor.sync.DocumentSession;
import dev.quire.editor.sync.TestRelay;
import java.awt.Rectangle;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.swing.JDialog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A window whose profile synced with another relay than the one it reaches (a relay that lost its
 * data) asks before giving it anything, and refills it only on a click on Upload.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RefillDialogGuiTest {
  private static final String EARLIER_RELAY = "5b0e4c8e-7d1f-4b6a-9a51-3f2c1d0e9b77";

  @TempDir Path dir;
  private TestRelay relay;
  private LocalStore store;
  private EditorWindow window;

  @BeforeEach
  void open() {
    Gui.requireDisplay();
    relay = TestRelay.start(dir.resolve("relay"));
    String token = relay.user("alice");
    store = LocalStore.open(dir.resolve("profile"));
    store.createDocument("doc", "notes", 1, false, DocumentSession.insertsOf("kept\n")).join();
    store.rememberRelayIdentity(EARLIER_RELAY).join(); // it synced with a relay now gone
    Settings s = Settings.of(relay.uri().toString(), token, "Alice", "#e11d48");
    store.saveSettings(s).join();
    window = EditorApp.show(store, s, new Rectangle(0, 0, 800, 600), false, "doc");
  }

  @AfterEach
  void close() throws InterruptedException {
    if (window != null) {
      CountDownLatch closed = new CountDownLatch(1);
      Gui.run(
          () -> {
            window.onClosed(closed::countDown);
            window.close();
          });
      closed.await(30, TimeUnit.SECONDS);
    }
    if (relay != null) {
      relay.close();
    }
  }

  @Test
  void upload_refillsTheRelay_andTakesItsIdentity() {
    JDialog question = Gui.awaitDialog("Refill the relay");
    assertThat(Gui.labels(question.getContentPane()).toString()).contains("another identity");
    assertThat(relay.relay().store().documents().find("doc")).as("nothing before").isEmpty();
    Gui.run(() -> Gui.button(question.getContentPane(), "Upload").doClick());
    Gui.await("synced", () -> Gui.onEdt(() -> window.session().status().isSynced()));
    long head = Gui.onEdt(() -> window.session().revision());
    assertThat(head).isPositive();
    assertThat(relay.relay().store().documents().find("doc").orElseThrow().head()).isEqualTo(head);
    assertThat(store.relayIdentity()).isEqualTo(relay.relay().store().identity());
  }

  @Test
  void notNow_givesTheRelayNothing() {
    JDialog question = Gui.awaitDialog("Refill the relay");
    Gui.run(() -> Gui.button(question.getContentPane(), "Not now").doClick());
    Gui.await("the question gone", () -> !Gui.onEdt(question::isShowing));
    // The window says why it does not sync: the relay is not the one its history comes from.
    Gui.await(
        "the reason in a banner",
        () -> Banners.shown(window).stream().anyMatch(b -> b.contains(EARLIER_RELAY)));
    assertThat(relay.relay().store().documents().find("doc")).isEmpty();
    assertThat(store.relayIdentity()).isEqualTo(EARLIER_RELAY);
  }
}
