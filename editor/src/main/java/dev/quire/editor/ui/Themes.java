package dev.quire.editor.ui;

import com.formdev.flatlaf.FlatDarkLaf;
import com.formdev.flatlaf.FlatLaf;
import com.formdev.flatlaf.FlatLightLaf;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.fife.ui.rsyntaxtextarea.RSyntaxTextArea;
import org.fife.ui.rsyntaxtextarea.Theme;

/** The light and dark looks: FlatLaf for the window, a matching RSyntaxTextArea colour theme. */
final class Themes {
  private Themes() {}

  /** Sets the look and feel; call before creating windows, or follow with a UI update. */
  static void install(boolean dark) {
    if (System.getProperty("os.name", "").startsWith("Linux")) {
      // FlatLaf draws the title bar itself, so the window looks the same under every window
      // manager.
      javax.swing.JFrame.setDefaultLookAndFeelDecorated(true);
      javax.swing.JDialog.setDefaultLookAndFeelDecorated(true);
    }
    if (dark) {
      FlatDarkLaf.setup();
    } else {
      FlatLightLaf.setup();
    }
  }

  /** Switches every open window to the other look. */
  static void switchTo(boolean dark) {
    install(dark);
    FlatLaf.updateUI();
  }

  /** Colours the text area's syntax, gutter and caret to match the look. */
  static void apply(RSyntaxTextArea area, boolean dark) {
    String name = dark ? "dark.xml" : "idea.xml";
    try (InputStream in = RSyntaxTextArea.class.getResourceAsStream("themes/" + name)) {
      if (in == null) {
        throw new IllegalStateException("RSyntaxTextArea theme " + name + " missing");
      }
      Theme.load(in).apply(area);
      area.setUseSelectedTextColor(false); // selected text keeps its syntax colours
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
