package dev.quire.editor.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.sync.RemotePresence;
import dev.quire.editor.sync.SyncStatus;
import dev.quire.ot.protocol.Role;
import java.awt.Color;
import java.awt.event.InputEvent;
import java.awt.event.KeyEvent;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Two real editor windows on one relay, driven through their text areas' own key handling. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CoEditingWindowsTest {
  @TempDir Path dir;
  private TwoWindows w;

  @BeforeEach
  void open() {
    Gui.requireDisplay();
    w = new TwoWindows(dir, "first line\nsecond line\n");
  }

  @AfterEach
  void close() {
    if (w != null) {
      w.close();
    }
  }

  @Test
  void typingInOneWindowAppearsInTheOther() {
    Gui.run(() -> w.alice.textArea().setCaretPosition(5));
    Gui.type(w.alice.textArea(), " typed");
    Gui.await(
        "Alice's typing at Bob's",
        () -> TwoWindows.text(w.bob).equals("first typed line\nsecond line\n"));
    assertThat(Gui.onEdt(() -> TwoWindows.text(w.alice)))
        .isEqualTo("first typed line\nsecond line\n");
    Gui.await("both synced", () -> TwoWindows.synced(w.alice) && TwoWindows.synced(w.bob));
    assertThat(Gui.onEdt(() -> w.alice.statusBar().stateText())).isEqualTo("Synced");
  }

  @Test
  void aDocumentSharedWhileTheWindowIsOpen_appearsInItsListByItself() {
    // Alice makes a document in her window, and shares it once the relay has it; Bob's window
    // listed the relay's documents when it connected, before either: only the relay's
    // announcement can bring it.
    String later = Gui.onEdt(() -> w.alice.create("later.md", "")).join();
    Gui.await(
        "Alice's new document on the relay",
        () -> TwoWindows.synced(w.alice) && later.equals(w.alice.session().id()));
    Gui.onEdt(() -> w.alice.share(later, "bob", Role.EDITOR)).join();
    Gui.await(
        "the shared document in Bob's list",
        Duration.ofSeconds(30),
        () -> w.bob.listedDocuments().stream().anyMatch(d -> d.title().equals("later.md")));
    assertThat(Gui.onEdt(() -> w.bob.session().id())).isEqualTo("doc");
  }

  @Test
  void aRemoteCaretIsDrawnInItsOwnersColourAndGoesWhenTheyLeave() {
    Gui.run(() -> w.bob.textArea().setCaretPosition(14)); // "second| line"
    Gui.await(
        "Bob's caret at Alice's",
        () ->
            w.alice.textArea().shownPresences().stream()
                .anyMatch(p -> p.name().equals("Bob") && p.selection().head() == 14));
    BufferedImage image =
        Gui.onEdt(
            () -> {
              QuireTextArea a = w.alice.textArea();
              BufferedImage img =
                  new BufferedImage(a.getWidth(), a.getHeight(), BufferedImage.TYPE_INT_RGB);
              a.paint(img.getGraphics());
              return img;
            });
    Rectangle2D caret = Gui.onEdt(() -> w.alice.textArea().modelToView2D(14));
    Color bob = Colours.parse("#2563eb");
    int x = (int) caret.getX();
    int y = (int) (caret.getY() + caret.getHeight() / 2);
    boolean drawn = false;
    for (int dx = -2; dx <= 1; dx++) {
      drawn |= new Color(image.getRGB(x + dx, y)).equals(bob);
    }
    assertThat(drawn).as("a caret in Bob's colour at x=" + x + ", y=" + y).isTrue();
    // Alice's status bar names Bob as present.
    assertThat(
            Gui.onEdt(
                () ->
                    w.alice.session().presences().values().stream()
                        .map(RemotePresence::name)
                        .toList()))
        .containsExactly("Bob");

    Gui.run(w.bob::close);
    Gui.await("Bob's caret gone", () -> w.alice.textArea().shownPresences().isEmpty());
  }

  @Test
  void aCollaboratorsCaretGoesWhenTheyOpenAnotherDocument() {
    Gui.run(() -> w.bob.textArea().setCaretPosition(14));
    Gui.await(
        "Bob's caret at Alice's",
        () -> w.alice.textArea().shownPresences().stream().anyMatch(p -> p.name().equals("Bob")));
    String other = Gui.onEdt(() -> w.bob.create("other.txt", "elsewhere\n")).join();
    Gui.await("Bob on his other document", () -> other.equals(w.bob.session().id()));
    Gui.await(
        "Bob's caret gone from Alice's view of doc",
        Duration.ofSeconds(10),
        () -> w.alice.textArea().shownPresences().isEmpty());
    assertThat(Gui.onEdt(() -> w.alice.session().presences())).isEmpty();

    Gui.run(() -> w.bob.openDocument("doc"));
    Gui.await(
        "Bob's caret back when he returns",
        Duration.ofSeconds(10),
        () -> w.alice.textArea().shownPresences().stream().anyMatch(p -> p.name().equals("Bob")));
    // The document Bob left and came back to still syncs.
    Gui.run(() -> w.alice.textArea().setCaretPosition(0));
    Gui.type(w.alice.textArea(), "A");
    Gui.await("Alice's edit at Bob's", () -> TwoWindows.text(w.bob).startsWith("A"));
  }

  @Test
  void aCollaboratorsCaretGoesWhenTheyDeleteTheDocument() {
    Gui.await(
        "Alice's caret at Bob's",
        () -> w.bob.textArea().shownPresences().stream().anyMatch(p -> p.name().equals("Alice")));
    Gui.onEdt(() -> w.alice.delete("doc")).join();
    Gui.await(
        "Alice's caret gone from Bob's view",
        Duration.ofSeconds(10),
        () -> w.bob.textArea().shownPresences().isEmpty());
  }

  @Test
  void undoInOneWindowUndoesOnlyThatPersonsEdits() {
    Gui.run(() -> w.alice.textArea().setCaretPosition(10)); // end of "first line"
    Gui.type(w.alice.textArea(), "!!");
    Gui.await("Alice's edit at Bob's", () -> TwoWindows.text(w.bob).startsWith("first line!!"));
    Gui.run(() -> w.bob.textArea().setCaretPosition(TwoWindows.text(w.bob).length()));
    Gui.type(w.bob.textArea(), "bob was here");
    Gui.await("Bob's edit at Alice's", () -> TwoWindows.text(w.alice).endsWith("bob was here"));

    Gui.press(w.alice.textArea(), KeyEvent.VK_Z, InputEvent.CTRL_DOWN_MASK);
    String expected = "first line\nsecond line\nbob was here";
    Gui.await("Alice's undo at Bob's", () -> TwoWindows.text(w.bob).equals(expected));
    assertThat(Gui.onEdt(() -> TwoWindows.text(w.alice))).isEqualTo(expected);

    Gui.press(w.alice.textArea(), KeyEvent.VK_Y, InputEvent.CTRL_DOWN_MASK);
    String redone = "first line!!\nsecond line\nbob was here";
    Gui.await("Alice's redo at Bob's", () -> TwoWindows.text(w.bob).equals(redone));
    // Bob's own undo history holds only his edit; Alice's undo never touched it.
    Gui.press(w.bob.textArea(), KeyEvent.VK_Z, InputEvent.CTRL_DOWN_MASK);
    Gui.await(
        "Bob's undo at Alice's",
        () -> TwoWindows.text(w.alice).equals("first line!!\nsecond line\n"));
  }

  @Test
  void statusGoesOfflineWhenTheRelayStopsAndBackToSyncedWithNoEditLost() {
    w.relay.stop();
    Gui.await(
        "Alice's window no longer synced",
        Duration.ofSeconds(30),
        () -> {
          SyncStatus.State s = w.alice.session().status().state();
          return s == SyncStatus.State.OFFLINE || s == SyncStatus.State.CONNECTING;
        });
    assertThat(Gui.onEdt(() -> w.alice.statusBar().stateText())).isIn("Offline", "Connecting…");
    Gui.run(() -> w.alice.textArea().setCaretPosition(0));
    Gui.type(w.alice.textArea(), "offline ");
    Gui.run(() -> w.bob.textArea().setCaretPosition(TwoWindows.text(w.bob).length()));
    Gui.type(w.bob.textArea(), "also offline");
    Gui.await(
        "Alice's unsent count shown", () -> w.alice.statusBar().unsentText().equals("8 unsent"));

    w.relay.restart();
    String expected = "offline first line\nsecond line\nalso offline";
    Gui.await(
        "both converged after the relay restarted",
        Duration.ofSeconds(60),
        () ->
            TwoWindows.text(w.alice).equals(expected)
                && TwoWindows.text(w.bob).equals(expected)
                && TwoWindows.synced(w.alice)
                && TwoWindows.synced(w.bob));
    assertThat(Gui.onEdt(() -> w.alice.statusBar().stateText())).isEqualTo("Synced");
    assertThat(Gui.onEdt(() -> w.bob.session().text())).isEqualTo(expected);
  }

  @Test
  void othersEditsKeepTheCaretSelectionAndScrollWhereTheUserIs() {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      lines.append("line ").append(i).append('\n');
    }
    Gui.run(() -> w.alice.textArea().replaceRange(lines.toString(), 0, 0));
    Gui.await("the lines at Bob's", () -> TwoWindows.text(w.bob).startsWith(lines.toString()));
    int line100 = lines.indexOf("line 100\n");
    Gui.run(
        () -> {
          QuireTextArea a = w.alice.textArea();
          a.select(line100, line100 + 4); // "line" of line 100
          try {
            java.awt.Rectangle r = a.modelToView2D(line100).getBounds();
            a.scrollRectToVisible(new java.awt.Rectangle(0, r.y, 1, a.getVisibleRect().height));
          } catch (javax.swing.text.BadLocationException e) {
            throw new IllegalStateException(e);
          }
        });
    int topBefore = Gui.onEdt(() -> topVisibleOffset(w.alice.textArea()));
    String topText = TwoWindows.text(w.alice).substring(topBefore, topBefore + 8);

    String inserted = "inserted by Bob\n".repeat(30);
    Gui.run(() -> w.bob.textArea().replaceRange(inserted, 0, 0));
    Gui.await("Bob's lines at Alice's", () -> TwoWindows.text(w.alice).startsWith(inserted));

    int shift = inserted.length();
    assertThat(Gui.onEdt(() -> w.alice.textArea().getSelectionStart())).isEqualTo(line100 + shift);
    assertThat(Gui.onEdt(() -> w.alice.textArea().getSelectedText())).isEqualTo("line");
    int topAfter = Gui.onEdt(() -> topVisibleOffset(w.alice.textArea()));
    assertThat(TwoWindows.text(w.alice).substring(topAfter, topAfter + 8)).isEqualTo(topText);
  }

  /** The offset of the text at the top left of the visible part. */
  private static int topVisibleOffset(QuireTextArea a) {
    java.awt.Rectangle v = a.getVisibleRect();
    return a.viewToModel2D(new java.awt.Point(0, v.y + 2));
  }

  @Test
  void bothTypingAtOnceConverge() throws InterruptedException {
    java.util.Random rnd = new java.util.Random(3);
    for (int i = 0; i < 300; i++) {
      Gui.run(
          () -> {
            QuireTextArea a = w.alice.textArea();
            a.setCaretPosition(Math.min(a.getDocument().getLength(), 6 + rnd.nextInt(4)));
          });
      Gui.type(w.alice.textArea(), String.valueOf((char) ('a' + rnd.nextInt(26))));
      Gui.run(
          () -> {
            QuireTextArea b = w.bob.textArea();
            int len = b.getDocument().getLength();
            b.setCaretPosition(Math.max(0, len - rnd.nextInt(5)));
          });
      Gui.type(w.bob.textArea(), rnd.nextBoolean() ? "X" : "Y");
      if (i % 3 == 0) {
        Gui.press(w.bob.textArea(), KeyEvent.VK_BACK_SPACE, 0);
      }
      Thread.sleep(rnd.nextInt(4)); // a random pause varies how the two authors' edits interleave
    }
    // Synced means each one's own edits are acknowledged; the other's last edits may still be on
    // their way, so wait for the texts to meet.
    Gui.await(
        "both synced with the same text",
        Duration.ofSeconds(60),
        () ->
            TwoWindows.synced(w.alice)
                && TwoWindows.synced(w.bob)
                && TwoWindows.text(w.alice).equals(TwoWindows.text(w.bob)));
    String alice = Gui.onEdt(() -> TwoWindows.text(w.alice));
    assertThat(Gui.onEdt(() -> w.alice.session().text())).isEqualTo(alice);
    assertThat(Gui.onEdt(() -> w.bob.session().text())).isEqualTo(alice);
    assertThat(Gui.onEdt(() -> TwoWindows.text(w.bob))).isEqualTo(alice);
  }

  @Test
  void othersEditsDuringAnInputMethodCompositionLandBeforeTheCommittedText() {
    javax.swing.text.SimpleAttributeSet composed = new javax.swing.text.SimpleAttributeSet();
    composed.addAttribute(javax.swing.text.StyleConstants.ComposedTextAttribute, new Object());
    javax.swing.text.Document aliceDoc = w.alice.textArea().getDocument();
    Gui.run(
        () -> {
          try {
            aliceDoc.insertString(5, "ni", composed); // Alice is composing after "first"
          } catch (javax.swing.text.BadLocationException e) {
            throw new IllegalStateException(e);
          }
        });
    Gui.run(() -> w.bob.textArea().setCaretPosition(0));
    Gui.type(w.bob.textArea(), "BOB ");
    Gui.await(
        "Bob's edit in Alice's session", () -> w.alice.session().text().startsWith("BOB first"));
    Gui.run(
        () -> {
          try {
            int at = TwoWindows.text(w.alice).indexOf("ni");
            aliceDoc.remove(at, 2); // the composition ends...
            aliceDoc.insertString(at, "日", null); // ...and its text is committed where it was
          } catch (javax.swing.text.BadLocationException e) {
            throw new IllegalStateException(e);
          }
        });
    String expected = "BOB first日 line\nsecond line\n";
    Gui.await(
        "both with the committed text",
        () -> TwoWindows.text(w.bob).equals(expected) && TwoWindows.text(w.alice).equals(expected));
    assertThat(Gui.onEdt(() -> w.alice.session().text())).isEqualTo(expected);
  }
}
