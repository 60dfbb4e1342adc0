package dev.quire.editor.ui;

import dev.quire.editor.sync.DocumentSession;
import java.awt.Component;
import java.io.File;
import java.util.Optional;
import javax.swing.JFileChooser;
import javax.swing.JOptionPane;

/** The questions the window asks: titles, confirmations, files. Event thread only. */
final class Dialogs {
  private Dialogs() {}

  /** A new document's title, stripped, or empty when cancelled. */
  static Optional<String> newTitle(Component parent) {
    return askTitle(
        parent, "Title (its extension chooses the syntax colours):", "New document", "Untitled.md");
  }

  /** A document's new title, stripped, or empty when cancelled. */
  static Optional<String> rename(Component parent, String current) {
    return askTitle(parent, "New title:", "Rename", current);
  }

  private static Optional<String> askTitle(
      Component parent, String question, String dialogTitle, String initial) {
    Object answer =
        JOptionPane.showInputDialog(
            parent, question, dialogTitle, JOptionPane.PLAIN_MESSAGE, null, null, initial);
    return answer == null ? Optional.empty() : Optional.of(((String) answer).strip());
  }

  /** True when the user confirms deleting the session's document, warned of what is lost. */
  static boolean confirmDelete(Component parent, DocumentSession s) {
    int unsent = s.unacknowledged();
    String warning =
        unsent > 0
            ? "\n\n" + unsent + " of your edits have not reached the relay and will be lost."
            : "";
    String where =
        s.document().onRelay()
            ? "It is deleted here and, if you own it, on the relay for everyone. It stays in"
                + " your trash on the relay\n(Trash, in the sidebar) until you restore it or"
                + " delete it forever."
            : "It exists only on this machine.";
    // Cancel is the default button: Enter, pressed out of habit, deletes nothing.
    Object[] buttons = {"Delete", "Cancel"};
    int answer =
        JOptionPane.showOptionDialog(
            parent,
            "Delete \"" + s.document().title() + "\" and its whole history?\n" + where + warning,
            "Delete document",
            JOptionPane.YES_NO_OPTION,
            JOptionPane.WARNING_MESSAGE,
            null,
            buttons,
            buttons[1]);
    return answer == 0;
  }

  /**
   * True when the user confirms dropping the unsent edits of the session's document, which the
   * relay refuses (a viewer's); Cancel is the default.
   */
  static boolean confirmDiscard(Component parent, DocumentSession s) {
    Object[] buttons = {"Discard", "Cancel"};
    int answer =
        JOptionPane.showOptionDialog(
            parent,
            "Discard your "
                + s.unacknowledged()
                + " unsent edit(s) to \""
                + s.document().title()
                + "\"?\nThe relay refuses them, as you may only read the document, and once"
                + " discarded they cannot be brought back.\nTo keep them, choose Copy to a new"
                + " document instead.",
            "Discard changes",
            JOptionPane.YES_NO_OPTION,
            JOptionPane.WARNING_MESSAGE,
            null,
            buttons,
            buttons[1]);
    return answer == 0;
  }

  /**
   * Whether to upload to the relay what it lacks from this profile ({@code why} says what): the
   * answer of a deliberate click on Upload only.
   */
  static boolean confirmRefill(Component parent, String why) {
    Object[] buttons = {"Upload", "Not now"};
    int answer =
        JOptionPane.showOptionDialog(
            parent,
            capitalised(why)
                + ".\nUpload to it what it lacks from this profile: the documents you own, with"
                + " their whole history\nand the people you shared them with, and the end of"
                + " documents you edit that it has less of?",
            "Refill the relay",
            JOptionPane.YES_NO_OPTION,
            JOptionPane.QUESTION_MESSAGE,
            null,
            buttons,
            buttons[1]);
    return answer == 0;
  }

  private static String capitalised(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  /** The file to import, or empty when cancelled. */
  static Optional<File> fileToImport(Component parent) {
    JFileChooser chooser = new JFileChooser();
    chooser.setDialogTitle("Import a file");
    return chooser.showOpenDialog(parent) == JFileChooser.APPROVE_OPTION
        ? Optional.of(chooser.getSelectedFile())
        : Optional.empty();
  }

  /** Where to export a document titled {@code title}, or empty when cancelled. */
  static Optional<File> fileToExportTo(Component parent, String title) {
    JFileChooser chooser = new JFileChooser();
    chooser.setDialogTitle("Export " + title);
    chooser.setSelectedFile(new File(title));
    return chooser.showSaveDialog(parent) == JFileChooser.APPROVE_OPTION
        ? Optional.of(chooser.getSelectedFile())
        : Optional.empty();
  }
}
