package dev.quire.editor.ui;

import dev.quire.ot.protocol.Ids;
import dev.quire.ot.protocol.Member;
import dev.quire.ot.protocol.Role;
import java.awt.BorderLayout;
import java.awt.Color;
import java.awt.FlowLayout;
import java.awt.GridLayout;
import java.awt.Window;
import java.awt.event.KeyEvent;
import java.awt.event.WindowAdapter;
import java.awt.event.WindowEvent;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import javax.swing.BorderFactory;
import javax.swing.JButton;
import javax.swing.JComboBox;
import javax.swing.JComponent;
import javax.swing.JDialog;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JTextField;
import javax.swing.KeyStroke;
import org.jspecify.annotations.Nullable;

/**
 * File › Share…: who has access to the open document now ({@link MemberList}: the owner may change
 * a role or take it away there), and the relay user to share it with, and their role. The name
 * field has the focus from the start; a name the relay could never accept is explained in the
 * dialog, in words, and the dialog stays open to fix it. Event thread only.
 */
final class ShareDialog extends JDialog {
  /** What the user chose; a null role takes the user's access away. */
  record Answer(String user, Role role) {}

  /** The document's access on the relay; futures may complete on any thread. */
  interface Access {
    /** Who has a role on the document, the owner first. */
    CompletableFuture<List<Member>> members();

    /** Gives {@code user} {@code role} (null: takes their role away). */
    CompletableFuture<Void> share(String user, Role role);

    /** This window's relay user, or null when not connected. */
    @Nullable String me();

    /** Completes when connected to the relay: at once when it is now, else when it is back. */
    default CompletableFuture<Void> connected() {
      return CompletableFuture.completedFuture(null);
    }
  }

  private final JTextField user = new JTextField(18);
  private final JComboBox<String> role =
      new JComboBox<>(new String[] {"edit it", "only read it", "no access"});
  private final JLabel problem = new JLabel(" ");
  private Answer answer;

  private ShareDialog(Window owner, String title, @Nullable Access access) {
    super(owner, "Share", ModalityType.APPLICATION_MODAL);
    user.setName("share.user");
    problem.setName("share.problem");
    problem.setForeground(new Color(0xb91c1c));
    JPanel form = new JPanel(new GridLayout(0, 1, 0, 4));
    form.add(PlainText.label("Share \"" + title + "\" with the relay user:"));
    form.add(user);
    form.add(new JLabel("who may:"));
    form.add(role);
    form.add(problem);
    JButton share = new JButton("Share");
    JButton cancel = new JButton("Cancel");
    share.addActionListener(e -> submit());
    cancel.addActionListener(e -> dispose());
    JPanel buttons = new JPanel(new FlowLayout(FlowLayout.RIGHT, 6, 0));
    buttons.add(share);
    buttons.add(cancel);
    JPanel content = new JPanel(new BorderLayout(0, 12));
    content.setBorder(BorderFactory.createEmptyBorder(14, 16, 12, 16));
    if (access != null) {
      content.add(new MemberList(access, this::pack), BorderLayout.NORTH);
    }
    content.add(form, BorderLayout.CENTER);
    content.add(buttons, BorderLayout.SOUTH);
    setContentPane(content);
    getRootPane().setDefaultButton(share);
    getRootPane()
        .registerKeyboardAction(
            e -> dispose(),
            KeyStroke.getKeyStroke(KeyEvent.VK_ESCAPE, 0),
            JComponent.WHEN_IN_FOCUSED_WINDOW);
    addWindowListener(
        new WindowAdapter() {
          @Override
          public void windowOpened(WindowEvent e) {
            user.requestFocusInWindow();
          }
        });
    pack();
    setLocationRelativeTo(owner);
  }

  /**
   * Asks whom to share the document titled {@code title} with, listing who has access through
   * {@code access} (null: not connected, no list); empty when cancelled.
   */
  static Optional<Answer> ask(Window owner, String title, @Nullable Access access) {
    ShareDialog d = new ShareDialog(owner, title, access);
    d.setVisible(true); // modal: returns once closed
    return Optional.ofNullable(d.answer);
  }

  private void submit() {
    String name = user.getText().strip();
    String wrong = nameProblem(name);
    if (wrong != null) {
      problem.setText(wrong);
      user.selectAll();
      user.requestFocusInWindow();
      pack();
      return;
    }
    Role r =
        switch (role.getSelectedIndex()) {
          case 0 -> Role.EDITOR;
          case 1 -> Role.VIEWER;
          default -> null;
        };
    answer = new Answer(name, r);
    dispose();
  }

  /** Why the relay could never accept {@code name} as a user name, in words; null if it could. */
  static String nameProblem(String name) {
    if (name.isEmpty()) {
      return "Type the relay user name of the person to share with.";
    }
    if (Ids.USER_NAME.matcher(name).matches()) {
      return null;
    }
    String lower = name.toLowerCase(Locale.ROOT);
    if (Ids.USER_NAME.matcher(lower).matches()) {
      return "Relay user names are in lower case: \"" + lower + "\"?";
    }
    return "A relay user name has 1 to 32 lower-case letters, digits, dots, hyphens or"
        + " underscores, and starts with a letter or digit.";
  }
}
