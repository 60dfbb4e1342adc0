package dev.quire.editor.ui;

import dev.quire.ot.protocol.Member;
import dev.quire.ot.protocol.Role;
import java.awt.Color;
import java.awt.GridBagConstraints;
import java.awt.GridBagLayout;
import java.awt.Insets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.swing.JButton;
import javax.swing.JComboBox;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.SwingUtilities;

/**
 * The Share dialog's list of who has access to the document, the owner first, each with their role.
 * The owner sees, beside everyone else, a role to choose and Remove; each change is sent at once
 * (as {@code share}) and the list is read again from the relay after it. Event thread only.
 */
final class MemberList extends JPanel {
  private static final String[] ROLES = {"editor", "viewer"};

  private final ShareDialog.Access access;
  private final Runnable resized;
  private final JLabel status = new JLabel("Reading who has access…");
  private String changeProblem; // shown once, with the list read after the change

  MemberList(ShareDialog.Access access, Runnable resized) {
    super(new GridBagLayout());
    this.access = access;
    this.resized = resized;
    setName("share.members");
    status.setName("share.members.status");
    refresh();
  }

  /** Reads the list from the relay again. */
  void refresh() {
    access
        .members()
        .whenComplete(
            (members, error) ->
                SwingUtilities.invokeLater(
                    () -> {
                      if (error != null) {
                        failed(error);
                      } else {
                        show(members, changeProblem);
                        changeProblem = null;
                      }
                    }));
  }

  /**
   * The list could not be read. Offline (or the connection lost before the answer) it says so and
   * reads the list again once the relay is back; otherwise it shows the relay's reason.
   */
  private void failed(Throwable error) {
    CompletableFuture<Void> back = access.connected();
    if (back.isDone()) {
      show(List.of(), "Cannot list who has access: " + Completions.rootMessage(error));
      return;
    }
    show(
        List.of(),
        "Cannot read who has access while offline; trying again when the relay is back.");
    back.thenRun(() -> SwingUtilities.invokeLater(this::refresh));
  }

  private void show(List<Member> members, String problem) {
    removeAll();
    GridBagConstraints c = new GridBagConstraints();
    c.gridy = 0;
    c.anchor = GridBagConstraints.WEST;
    c.insets = new Insets(2, 0, 2, 8);
    c.gridx = 0;
    c.gridwidth = 3;
    add(new JLabel("People with access:"), c);
    c.gridwidth = 1;
    String me = access.me();
    boolean owner =
        me != null && members.stream().anyMatch(m -> m.user().equals(me) && m.role() == Role.OWNER);
    for (Member m : members) {
      c.gridy++;
      c.gridx = 0;
      JLabel name = PlainText.label(m.user() + (m.user().equals(me) ? " (you)" : ""));
      name.setName("share.member." + m.user());
      add(name, c);
      c.gridx = 1;
      if (!owner || m.role() == Role.OWNER) {
        JLabel role = new JLabel(m.role().wireName());
        role.setName("share.role." + m.user());
        add(role, c);
        continue;
      }
      JComboBox<String> role = new JComboBox<>(ROLES);
      role.setName("share.role." + m.user());
      role.setSelectedItem(m.role().wireName());
      role.addActionListener(
          e -> change(m.user(), Role.fromWire((String) role.getSelectedItem()), m.role()));
      add(role, c);
      c.gridx = 2;
      JButton remove = new JButton("Remove");
      remove.setName("share.remove." + m.user());
      remove.addActionListener(e -> change(m.user(), null, m.role()));
      add(remove, c);
    }
    if (problem != null) {
      status.setText(problem);
      status.setForeground(new Color(0xb91c1c));
      c.gridy++;
      c.gridx = 0;
      c.gridwidth = 3;
      add(status, c);
    }
    revalidate();
    repaint();
    resized.run();
  }

  /** Sends a role change (null: removal), then reads the list again, whatever the answer. */
  private void change(String user, Role role, Role was) {
    if (role == was) {
      return;
    }
    access
        .share(user, role)
        .whenComplete(
            (v, error) ->
                SwingUtilities.invokeLater(
                    () -> {
                      if (error != null) {
                        changeProblem = "Not changed: " + Completions.rootMessage(error);
                      }
                      refresh();
                    }));
  }
}
