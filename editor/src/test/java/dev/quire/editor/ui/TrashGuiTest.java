package dev.quire.editor.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.sync.SyncStatus;
import dev.quire.ot.protocol.TrashedDocument;
import java.awt.Component;
import java.awt.event.KeyEvent;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.swing.JComponent;
import javax.swing.JDialog;
import javax.swing.JList;
import javax.swing.SwingUtilities;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sidebar's Trash, in real windows: Alice deletes the document she shares with Bob, finds it in
 * her Trash with the time it will be purged, and restores it (Bob's copy syncs again), or deletes
 * it forever after a question whose default button is Cancel.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TrashGuiTest {
  @TempDir Path dir;
  private TwoWindows w;

  @BeforeEach
  void open() {
    Gui.requireDisplay();
    w = new TwoWindows(dir, "shared notes\n");
  }

  @AfterEach
  void close() {
    if (w != null) {
      w.close();
    }
  }

  private void aliceDeletes() {
    Gui.clickMenu(w.alice, "File", "Delete…");
    JDialog question = Gui.awaitDialog("Delete document");
    assertThat(Gui.labels(question.getContentPane()))
        .anySatisfy(l -> assertThat(l).contains("trash"));
    Gui.run(() -> Gui.button(question.getContentPane(), "Delete").doClick());
    Gui.await("gone from Alice's list", () -> w.alice.listedDocuments().isEmpty());
    Gui.await(
        "Bob's copy stopped", () -> w.bob.session().status().state() == SyncStatus.State.ERROR);
  }

  private TrashView aliceOpensTheTrash() {
    Gui.run(() -> Gui.button(w.alice.getContentPane(), "Trash").doClick());
    TrashView trash = Gui.onEdt(w.alice::trashView);
    Gui.await("the trash read", () -> Gui.onEdt(trash::shown).size() == 1);
    return trash;
  }

  @SuppressWarnings("unchecked")
  private static JList<TrashedDocument> list(TrashView trash) {
    return (JList<TrashedDocument>)
        Gui.find(trash, JList.class).stream()
            .filter(l -> "trashed documents".equals(l.getName()))
            .findFirst()
            .orElseThrow();
  }

  private static void select(TrashView trash, int index) {
    JList<TrashedDocument> list = list(trash);
    Gui.run(() -> list.setSelectedIndex(index));
  }

  /** The texts of the labels the list draws for {@code d}. */
  private static String rendered(TrashView trash, TrashedDocument d) {
    JList<TrashedDocument> list = list(trash);
    return Gui.onEdt(
        () -> {
          Component c =
              list.getCellRenderer().getListCellRendererComponent(list, d, 0, false, false);
          StringBuilder out = new StringBuilder();
          for (Component child : ((java.awt.Container) c).getComponents()) {
            if (child instanceof javax.swing.JLabel l) {
              out.append(l.getText()).append('\n');
            }
          }
          return out.toString();
        });
  }

  @Test
  void restoreFromTheTrash_bringsTheDocumentBackForEveryone() {
    aliceDeletes();
    TrashView trash = aliceOpensTheTrash();
    TrashedDocument d = Gui.onEdt(trash::shown).get(0);
    assertThat(d.doc()).isEqualTo("doc");
    assertThat(d.purgeAtMillis() - d.deletedMillis()).isEqualTo(TimeUnit.DAYS.toMillis(30));
    assertThat(rendered(trash, d)).contains("deleted ").contains("purged ");

    select(trash, 0);
    Gui.run(() -> Gui.button(trash, "Restore").doClick());
    Gui.await("the trash empty again", () -> Gui.onEdt(trash::shown).isEmpty());
    assertThat(Gui.onEdt(trash::message)).contains("Restored");
    Gui.await("back in Alice's list", () -> w.alice.listedDocuments().size() == 1);
    Gui.await("Bob's copy syncs again", () -> TwoWindows.synced(w.bob));

    Gui.run(() -> Gui.button(trash, "‹ Documents").doClick());
    Gui.run(() -> w.alice.openDocument("doc"));
    Gui.await("Alice shows it", () -> TwoWindows.text(w.alice).equals("shared notes\n"));
    Gui.run(() -> w.alice.textArea().insert("restored: ", 0));
    Gui.await(
        "Bob sees Alice's edit", () -> TwoWindows.text(w.bob).equals("restored: shared notes\n"));
  }

  @Test
  void deleteForever_asksWithCancelAsTheDefault_thenPurges() throws Exception {
    aliceDeletes();
    TrashView trash = aliceOpensTheTrash();
    select(trash, 0);

    SwingUtilities.invokeLater(Gui.button(trash, "Delete forever")::doClick);
    JDialog question = Gui.awaitDialog("Delete forever");
    assertThat(Gui.onEdt(() -> question.getRootPane().getDefaultButton().getText()))
        .isEqualTo("Cancel");
    Gui.await(
        "the focus in the question",
        () -> {
          Component f = Gui.focusOwner();
          return f != null && SwingUtilities.isDescendingFrom(f, question);
        });
    Gui.press((JComponent) Gui.focusOwner(), KeyEvent.VK_ENTER, 0);
    Gui.await("the question gone", () -> !question.isShowing());
    Gui.run(() -> {});
    assertThat(Gui.onEdt(trash::shown)).hasSize(1); // Enter kept it

    SwingUtilities.invokeLater(Gui.button(trash, "Empty trash")::doClick);
    JDialog emptying = Gui.awaitDialog("Empty trash");
    assertThat(Gui.onEdt(() -> emptying.getRootPane().getDefaultButton().getText()))
        .isEqualTo("Cancel");
    Gui.run(() -> Gui.button(emptying.getContentPane(), "Empty trash").doClick());
    Gui.await("the trash empty", () -> Gui.onEdt(trash::shown).isEmpty());
    assertThat(Gui.onEdt(trash::message)).contains("The trash is empty");
    assertThat(w.relay.relay().store().history().page("doc", 0, 100)).isEmpty();
  }

  /** Runs the command line on Alice's other device: a profile of its own, her user. */
  private int aliceElsewhere(String token, String... args) {
    String[] all = java.util.Arrays.copyOf(args, args.length + 6);
    System.arraycopy(
        new String[] {
          "--profile",
          dir.resolve("alice-laptop").toString(),
          "--relay",
          w.relay.uri().toString(),
          "--token",
          token
        },
        0,
        all,
        args.length,
        6);
    java.io.StringWriter err = new java.io.StringWriter();
    picocli.CommandLine cmd = dev.quire.editor.cli.QuireCli.commandLine();
    cmd.setErr(new java.io.PrintWriter(err, true));
    cmd.setOut(new java.io.PrintWriter(new java.io.StringWriter(), true));
    int code = cmd.execute(all);
    assertThat(code).as(String.join(" ", args) + ": " + err).isZero();
    return code;
  }

  @Test
  void anOpenTrash_showsADocumentDeletedOrRestoredOnAnotherDevice_byItself() {
    Gui.run(() -> Gui.button(w.alice.getContentPane(), "Trash").doClick());
    TrashView trash = Gui.onEdt(w.alice::trashView);
    Gui.await("the empty trash read", () -> Gui.onEdt(trash::message).contains("is empty"));

    String token = w.relay.relay().store().users().issueToken("alice");
    aliceElsewhere(token, "sync");
    String profile = dir.resolve("alice-laptop").toString();
    picocli.CommandLine cmd = dev.quire.editor.cli.QuireCli.commandLine();
    assertThat(cmd.execute("delete", "--profile", profile, "doc")).isZero();
    aliceElsewhere(token, "sync"); // the relay deletes it now
    Gui.await(
        "the deleted document in Alice's open trash", () -> Gui.onEdt(trash::shown).size() == 1);
    assertThat(Gui.onEdt(trash::shown).get(0).doc()).isEqualTo("doc");

    aliceElsewhere(token, "trash", "restore", "doc");
    Gui.await("the open trash empty again", () -> Gui.onEdt(trash::shown).isEmpty());
  }
}
