package dev.quire.editor.ui;

import java.awt.Component;
import java.util.List;
import javax.swing.JLabel;
import javax.swing.JTextField;

/** Reading the window's problem banners and answering its share dialog, as a user would. */
final class Banners {
  private Banners() {}

  /** The texts of the banners showing in {@code window}. */
  static List<String> shown(EditorWindow window) {
    return Gui.find(window.getContentPane(), Component.class).stream()
        .filter(c -> "banner".equals(Gui.onEdt(c::getName)))
        .map(Banners::text)
        .toList();
  }

  private static String text(Component banner) {
    if (banner instanceof JLabel l) {
      return Gui.onEdt(l::getText);
    }
    return String.join(" ", Gui.labels((java.awt.Container) banner));
  }

  /** Shares the open document through File › Share…, typing {@code user}; waits till it closes. */
  static void shareThroughDialog(EditorWindow window, String user) {
    Gui.clickMenu(window, "File", "Share…");
    javax.swing.JDialog d = Gui.awaitDialog("Share");
    JTextField field = Gui.find(d.getContentPane(), JTextField.class).get(0);
    Gui.run(() -> field.setText(user));
    Gui.run(() -> d.getRootPane().getDefaultButton().doClick());
    Gui.await("the share dialog closed", () -> !d.isShowing());
  }
}
