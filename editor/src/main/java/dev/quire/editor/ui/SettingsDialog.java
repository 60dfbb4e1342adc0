package dev.quire.editor.ui;

import dev.quire.editor.store.Settings;
import java.awt.Color;
import java.awt.Component;
import java.awt.GridBagConstraints;
import java.awt.GridBagLayout;
import java.awt.Insets;
import java.net.URI;
import java.util.Optional;
import javax.swing.JButton;
import javax.swing.JColorChooser;
import javax.swing.JLabel;
import javax.swing.JOptionPane;
import javax.swing.JPanel;
import javax.swing.JPasswordField;
import javax.swing.JTextField;

/** Relay address, token, display name and caret colour, as the profile remembers them. */
final class SettingsDialog {
  private SettingsDialog() {}

  /** Asks until the answers are valid or the user cancels. */
  static Optional<Settings> ask(Component parent, Settings current) {
    JTextField relay = new JTextField(current.relayUrl(), 28);
    JPasswordField token = new JPasswordField(current.token(), 28);
    JTextField name = new JTextField(current.displayName(), 28);
    Color[] colour = {Colours.parse(current.colour())};
    JButton pick = new JButton("Choose…");
    pick.setIcon(new StatusBar.Dot(colour[0]));
    pick.addActionListener(
        e -> {
          Color c = JColorChooser.showDialog(parent, "Your colour", colour[0]);
          if (c != null) {
            colour[0] = c;
            pick.setIcon(new StatusBar.Dot(c));
          }
        });
    JPanel form = new JPanel(new GridBagLayout());
    row(form, 0, "Relay address", relay, "for example ws://127.0.0.1:7070; empty to work offline");
    row(form, 1, "Token", token, "printed by: quire relay user add NAME");
    row(form, 2, "Display name", name, "shown to others next to your caret");
    row(form, 3, "Colour", pick, "your caret and selection, as others see them");
    while (true) {
      int answer =
          JOptionPane.showConfirmDialog(
              parent, form, "Settings", JOptionPane.OK_CANCEL_OPTION, JOptionPane.PLAIN_MESSAGE);
      if (answer != JOptionPane.OK_OPTION) {
        return Optional.empty();
      }
      String url = relay.getText().strip();
      String problem = checkRelay(url);
      if (problem != null) {
        JOptionPane.showMessageDialog(parent, problem, "Settings", JOptionPane.WARNING_MESSAGE);
        continue;
      }
      return Optional.of(
          new Settings(
              url,
              new String(token.getPassword()).strip(),
              name.getText().strip(),
              Colours.format(colour[0])));
    }
  }

  /** Why {@code url} is not a relay address, or null when it is one (or empty: offline). */
  static String checkRelay(String url) {
    if (url.isEmpty()) {
      return null;
    }
    try {
      URI u = new URI(url);
      if (!"ws".equals(u.getScheme()) && !"wss".equals(u.getScheme())) {
        return "The relay address starts with ws:// or wss://, for example ws://127.0.0.1:7070";
      }
      if (u.getHost() == null) {
        return "The relay address needs a host, for example ws://127.0.0.1:7070";
      }
      return null;
    } catch (java.net.URISyntaxException e) {
      return "Not an address: " + e.getMessage();
    }
  }

  private static void row(JPanel form, int y, String label, Component field, String hint) {
    GridBagConstraints c = new GridBagConstraints();
    c.gridy = y * 2;
    c.gridx = 0;
    c.anchor = GridBagConstraints.LINE_END;
    c.insets = new Insets(6, 0, 0, 10);
    form.add(new JLabel(label), c);
    c.gridx = 1;
    c.anchor = GridBagConstraints.LINE_START;
    c.insets = new Insets(6, 0, 0, 0);
    form.add(field, c);
    JLabel h = new JLabel(hint);
    h.setFont(h.getFont().deriveFont(h.getFont().getSize2D() - 1f));
    h.setForeground(javax.swing.UIManager.getColor("Label.disabledForeground"));
    c.gridy = y * 2 + 1;
    c.insets = new Insets(0, 0, 0, 0);
    form.add(h, c);
  }
}
