package dev.quire.editor.ui;

import dev.quire.editor.store.RelayAddresses;
import dev.quire.editor.store.Settings;
import java.awt.BorderLayout;
import java.awt.Color;
import java.awt.Component;
import java.awt.FlowLayout;
import java.awt.GridBagConstraints;
import java.awt.GridBagLayout;
import java.awt.Insets;
import java.awt.Window;
import java.awt.event.KeyEvent;
import java.util.Optional;
import javax.swing.BorderFactory;
import javax.swing.JButton;
import javax.swing.JColorChooser;
import javax.swing.JComponent;
import javax.swing.JDialog;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JPasswordField;
import javax.swing.JTextField;
import javax.swing.KeyStroke;
import javax.swing.SwingUtilities;
import javax.swing.UIManager;

/**
 * Relay addresses, token, display name and caret colour, as the profile remembers them. OK checks
 * the relay addresses first: a bad one is named under the field and the dialog stays open, so
 * nothing is saved until every address is valid. Event thread only.
 */
final class SettingsDialog extends JDialog {
  private final JTextField relay;
  private final JPasswordField token;
  private final JTextField name;
  private final JButton pick = new JButton("Choose…");
  private final JLabel problem = new JLabel();
  private final int wrapPixels; // hints and problems wrap at the fields' width
  private Color colour;
  private Settings result;

  private SettingsDialog(Window owner, Settings current) {
    super(owner, "Settings", ModalityType.APPLICATION_MODAL);
    relay = new JTextField(current.relayText(), 34);
    token = new JPasswordField(current.token(), 34);
    name = new JTextField(current.displayName(), 34);
    // HTML widths are in CSS pixels, which Swing draws about 6/5 as wide as screen pixels.
    wrapPixels = relay.getPreferredSize().width * 5 / 6;
    colour = Colours.parse(current.colour());
    relay.setName("settings.relay");
    token.setName("settings.token");
    name.setName("settings.name");
    problem.setName("settings.problem");
    problem.setForeground(UIManager.getColor("Component.error.focusedBorderColor"));
    if (problem.getForeground() == null) {
      problem.setForeground(new Color(0xdc2626));
    }
    pick.setIcon(new StatusBar.Dot(colour));
    pick.addActionListener(e -> chooseColour());
    setContentPane(content());
    getRootPane()
        .registerKeyboardAction(
            e -> dispose(),
            KeyStroke.getKeyStroke(KeyEvent.VK_ESCAPE, 0),
            JComponent.WHEN_IN_FOCUSED_WINDOW);
    setResizable(false);
    pack();
    setLocationRelativeTo(owner);
  }

  /** Shows the dialog and waits; the new settings, or empty when cancelled. */
  static Optional<Settings> ask(Component parent, Settings current) {
    SettingsDialog d = new SettingsDialog(SwingUtilities.getWindowAncestor(parent), current);
    if (parent instanceof Window w) {
      d.setLocationRelativeTo(w);
    }
    d.setVisible(true); // modal: returns once closed
    return Optional.ofNullable(d.result);
  }

  /**
   * Why {@code text} is not a list of relay addresses, as a sentence naming the bad entry, or null
   * when it is one (or empty: offline).
   */
  static String checkRelay(String text) {
    try {
      RelayAddresses.parse(text);
      return null;
    } catch (IllegalArgumentException e) {
      String m = e.getMessage();
      return Character.toUpperCase(m.charAt(0)) + m.substring(1) + ".";
    }
  }

  private JPanel content() {
    JPanel form = new JPanel(new GridBagLayout());
    row(
        form,
        0,
        "Relays",
        relay,
        "for example ws://127.0.0.1:7070; several, comma-separated, are tried in order; empty to"
            + " work offline");
    GridBagConstraints c = new GridBagConstraints();
    c.gridx = 1;
    c.gridy = 2;
    c.anchor = GridBagConstraints.LINE_START;
    c.insets = new Insets(4, 0, 0, 0);
    form.add(problem, c);
    row(form, 3, "Token", token, "printed by: quire relay user add NAME");
    row(form, 5, "Display name", name, "shown to others next to your caret");
    row(form, 7, "Colour", pick, "your caret and selection, as others see them");
    JPanel buttons = new JPanel(new FlowLayout(FlowLayout.RIGHT, 8, 0));
    JButton ok = button("OK", "settings.ok", this::accept);
    buttons.add(ok);
    buttons.add(button("Cancel", "settings.cancel", this::dispose));
    JPanel all = new JPanel(new BorderLayout(0, 16));
    all.setBorder(BorderFactory.createEmptyBorder(14, 16, 12, 16));
    all.add(form, BorderLayout.CENTER);
    all.add(buttons, BorderLayout.SOUTH);
    getRootPane().setDefaultButton(ok);
    return all;
  }

  private void accept() {
    String text = relay.getText().strip();
    String why = checkRelay(text);
    if (why != null) {
      showProblem(why);
      relay.requestFocusInWindow();
      return;
    }
    result =
        Settings.of(
            text,
            new String(token.getPassword()).strip(),
            name.getText().strip(),
            Colours.format(colour));
    dispose();
  }

  private void showProblem(String why) {
    problem.setText(
        "<html><body style='width: " + wrapPixels + "px'>" + escape(why) + "</body></html>");
    pack();
  }

  private void chooseColour() {
    Color c = JColorChooser.showDialog(this, "Your colour", colour);
    if (c != null) {
      colour = c;
      pick.setIcon(new StatusBar.Dot(c));
    }
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private JButton button(String text, String componentName, Runnable action) {
    JButton b = new JButton(text);
    b.setName(componentName);
    b.addActionListener(e -> action.run());
    return b;
  }

  /** A labelled field on grid row {@code y}, its hint on the row below. */
  private void row(JPanel form, int y, String label, Component field, String hint) {
    GridBagConstraints c = new GridBagConstraints();
    c.gridy = y;
    c.gridx = 0;
    c.anchor = GridBagConstraints.LINE_END;
    c.insets = new Insets(y == 0 ? 0 : 8, 0, 0, 10);
    form.add(new JLabel(label), c);
    c.gridx = 1;
    c.anchor = GridBagConstraints.LINE_START;
    c.insets = new Insets(y == 0 ? 0 : 8, 0, 0, 0);
    form.add(field, c);
    JLabel h =
        new JLabel("<html><body style='width: " + wrapPixels + "px'>" + hint + "</body></html>");
    h.setFont(h.getFont().deriveFont(h.getFont().getSize2D() - 1f));
    h.setForeground(UIManager.getColor("Label.disabledForeground"));
    c.gridy++;
    c.insets = new Insets(2, 0, 0, 0);
    form.add(h, c);
  }
}
