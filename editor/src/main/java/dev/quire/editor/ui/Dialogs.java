package dev.quire.editor.ui;

import dev.quire.editor.sync.DocumentSession;
import dev.quire.ot.protocol.Role;
import java.awt.Component;
import java.awt.GridLayout;
import java.io.File;
import java.util.Optional;
import javax.swing.JComboBox;
import javax.swing.JFileChooser;
import javax.swing.JLabel;
import javax.swing.JOptionPane;
import javax.swing.JPanel;
import javax.swing.JTextField;

/** The questions the window asks: titles, confirmations, files, sharing. Event thread only. */
final class Dialogs {
  private Dialogs() {}

  /** What the share dialog asks for; a null role takes the user's access away. */
  record ShareAnswer(String user, Role role) {}

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
            ? "It is deleted here and on the relay, for everyone (only its owner may do that)."
            : "It exists only on this machine.";
    int answer =
        JOptionPane.showConfirmDialog(
            parent,
            "Delete \"" + s.document().title() + "\" and its whole history?\n" + where + warning,
            "Delete document",
            JOptionPane.OK_CANCEL_OPTION,
            JOptionPane.WARNING_MESSAGE);
    return answer == JOptionPane.OK_OPTION;
  }

  /** Whom to share the document with and how, or empty when cancelled. */
  static Optional<ShareAnswer> share(Component parent, String title) {
    JTextField user = new JTextField(16);
    JComboBox<String> role = new JComboBox<>(new String[] {"editor", "viewer", "no access"});
    JPanel form = new JPanel(new GridLayout(0, 1, 0, 4));
    form.add(new JLabel("Share \"" + title + "\" with the relay user:"));
    form.add(user);
    form.add(new JLabel("who may:"));
    form.add(role);
    int answer =
        JOptionPane.showConfirmDialog(
            parent, form, "Share", JOptionPane.OK_CANCEL_OPTION, JOptionPane.PLAIN_MESSAGE);
    if (answer != JOptionPane.OK_OPTION) {
      return Optional.empty();
    }
    Role r =
        switch (role.getSelectedIndex()) {
          case 0 -> Role.EDITOR;
          case 1 -> Role.VIEWER;
          default -> null;
        };
    return Optional.of(new ShareAnswer(user.getText().strip(), r));
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
