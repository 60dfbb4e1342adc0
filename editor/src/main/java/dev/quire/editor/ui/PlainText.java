package dev.quire.editor.ui;

import java.awt.Component;
import java.awt.Container;
import javax.swing.Icon;
import javax.swing.JButton;
import javax.swing.JComboBox;
import javax.swing.JComponent;
import javax.swing.JLabel;
import javax.swing.JList;
import javax.swing.JRootPane;
import javax.swing.JToolTip;
import javax.swing.ListModel;

/**
 * Components that show text written by other people (display names, document titles, comments)
 * exactly as typed. Swing draws any label, button, list cell or tooltip text that starts with
 * {@code <html>} as HTML, and its HTML renderer fetches remote images: a co-editor's name or title
 * could otherwise make every member's editor fetch a URL, or garble the window. A component marked
 * here never renders its own text as HTML, and its tooltips (which Swing shows in a separate
 * component) do not either.
 */
public final class PlainText {
  /** The client property Swing's label and button UIs check before rendering HTML. */
  private static final String HTML_DISABLE = "html.disable";

  private PlainText() {}

  /** Marks {@code c} (a label, button or cell renderer) so its text is never drawn as HTML. */
  public static <T extends JComponent> T mark(T c) {
    c.putClientProperty(HTML_DISABLE, Boolean.TRUE);
    return c;
  }

  /** A label whose text and tooltip are shown as typed. */
  public static JLabel label(String text) {
    return mark(new Label(text, null, JLabel.LEADING));
  }

  /** A label with an icon whose text and tooltip are shown as typed. */
  public static JLabel label(String text, Icon icon, int horizontalAlignment) {
    return mark(new Label(text, icon, horizontalAlignment));
  }

  /** A button whose text and tooltip are shown as typed. */
  public static JButton button() {
    return mark(
        new JButton() {
          @Override
          public JToolTip createToolTip() {
            return toolTip(this);
          }
        });
  }

  /**
   * A list whose tooltips (its own, or its cells' from the renderer) are shown as typed; its
   * renderer's components still need {@link #mark}.
   */
  public static <T> JList<T> list(ListModel<T> model) {
    return new JList<>(model) {
      @Override
      public JToolTip createToolTip() {
        return toolTip(this);
      }
    };
  }

  /**
   * A combo box whose items are shown as typed, in the box and in its popup; its renderer, which
   * the look and feel replaces on a theme change, is marked each time.
   */
  public static <T> JComboBox<T> comboBox() {
    return new JComboBox<>() {
      @Override
      public void updateUI() {
        super.updateUI();
        if (getRenderer() instanceof JComponent r) {
          mark(r);
        }
      }

      @Override
      public JToolTip createToolTip() {
        return toolTip(this);
      }
    };
  }

  /** A tooltip for {@code owner}'s {@code createToolTip} that shows its text as typed. */
  public static JToolTip toolTip(JComponent owner) {
    JToolTip tip = mark(new JToolTip());
    tip.setComponent(owner);
    return tip;
  }

  /**
   * Keeps {@code root}'s title bar showing the window title as typed. FlatLaf draws the title bar
   * itself, with a label, so a document title starting with {@code <html>} would be rendered there;
   * a new look and feel makes a new title bar, which is marked again.
   */
  public static void titleBar(JRootPane root) {
    markTitleBar(root);
    root.addPropertyChangeListener("UI", e -> markTitleBar(root));
  }

  private static void markTitleBar(JRootPane root) {
    for (Component c : root.getLayeredPane().getComponents()) {
      if (c != root.getContentPane() && c != root.getJMenuBar() && c instanceof Container bar) {
        markLabels(bar);
      }
    }
  }

  private static void markLabels(Container c) {
    for (Component child : c.getComponents()) {
      if (child instanceof JLabel l && l.getClientProperty(HTML_DISABLE) != Boolean.TRUE) {
        mark(l);
        String text = l.getText();
        l.setText(null); // the label renders again only when its text changes
        l.setText(text);
      }
      if (child instanceof Container inner) {
        markLabels(inner);
      }
    }
  }

  private static final class Label extends JLabel {
    Label(String text, Icon icon, int horizontalAlignment) {
      // Marked before the text is set, so it is never parsed as HTML even once.
      super(icon, horizontalAlignment);
      mark(this);
      setText(text);
    }

    @Override
    public JToolTip createToolTip() {
      return toolTip(this);
    }
  }
}
