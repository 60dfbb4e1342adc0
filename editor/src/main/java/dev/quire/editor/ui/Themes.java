package dev.quire.editor.ui;

import com.formdev.flatlaf.FlatDarkLaf;
import com.formdev.flatlaf.FlatLaf;
import com.formdev.flatlaf.FlatLightLaf;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.fife.ui.rsyntaxtextarea.RSyntaxTextArea;
import org.fife.ui.rsyntaxtextarea.Theme;

/**
 * The light and dark looks: FlatLaf for the windows, a matching RSyntaxTextArea colour theme.
 *
 * <p>A look and feel belongs to the whole process, not to a window: every window of one editor
 * process (Alice's and Bob's in the demo) has the same look, and switching it switches all of them,
 * text included (each window follows the {@code lookAndFeel} change).
 */
final class Themes {
  private Themes() {}

  /** Sets the look and feel; call before creating windows, or follow with a UI update. */
  static void install(boolean dark) {
    if (javax.swing.UIManager.getLookAndFeel() instanceof FlatLaf shown && shown.isDark() == dark) {
      return; // already this look: setting it again costs a cold start hundreds of milliseconds
    }
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

  /**
   * Sets the look for a window about to open: {@code dark} unless another editor window is open,
   * whose look the new one takes (one look per process).
   */
  static void installForNewWindow(boolean dark) {
    for (java.awt.Frame f : java.awt.Frame.getFrames()) {
      if (f instanceof EditorWindow && f.isDisplayable()) {
        return;
      }
    }
    install(dark);
  }

  /** True when the look shown is the dark one. */
  static boolean isDark() {
    return FlatLaf.isLafDark();
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
