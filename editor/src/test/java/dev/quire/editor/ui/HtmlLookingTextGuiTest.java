package dev.quire.editor.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.store.LocalDocument;
import dev.quire.editor.sync.RemotePresence;
import dev.quire.ot.cursor.Selection;
import java.awt.Component;
import java.awt.Rectangle;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.swing.JComboBox;
import javax.swing.JComponent;
import javax.swing.JDialog;
import javax.swing.JFrame;
import javax.swing.JLabel;
import javax.swing.JList;
import javax.swing.JPanel;
import javax.swing.JTextField;
import javax.swing.JToolTip;
import javax.swing.plaf.basic.BasicHTML;
import javax.swing.text.JTextComponent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names, titles and comments written by other people are shown as typed, never drawn as HTML: a
 * value starting with {@code <html>} would otherwise be rendered, remote images and all.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HtmlLookingTextGuiTest {
  /** Rendered as HTML, this fetches the URL (a closed port here) and shows a picture. */
  private static final String HTML = "<html><img src='http://127.0.0.1:9/track'><b>Mallory</b>";

  @TempDir Path dir;

  /** Swing keeps a rendered view under {@link BasicHTML#propertyKey} for text it draws as HTML. */
  private static void assertShownAsText(JComponent c, String text) {
    assertThat(c.getClientProperty(BasicHTML.propertyKey)).as("HTML view of " + text).isNull();
  }

  /** The tooltip {@code owner} shows for {@code text}, as Swing's tooltip manager makes it. */
  private static void assertTooltipShownAsText(JComponent owner, String text) {
    JToolTip tip = owner.createToolTip();
    tip.setTipText(text);
    assertThat(tip.getClientProperty(BasicHTML.propertyKey)).as("HTML tooltip " + text).isNull();
  }

  @Test
  void theStatusBarShowsACollaboratorsNameAndTooltipAsText() {
    Gui.requireDisplay();
    Gui.run(
        () -> {
          StatusBar bar = new StatusBar();
          bar.showPeople(
              List.of(new RemotePresence("s1", "mallory", HTML, "#e11d48", Selection.caret(0))));
          Component[] shown = bar.peoplePart().getComponents();
          JLabel who = (JLabel) shown[shown.length - 1]; // after a gap
          assertThat(who.getText()).isEqualTo(HTML);
          assertShownAsText(who, who.getText());
          assertThat(who.getToolTipText()).startsWith(HTML);
          assertTooltipShownAsText(who, who.getToolTipText());
        });
  }

  @Test
  void thePeopleListShowsACollaboratorsNameAndTooltipAsText() {
    Gui.requireDisplay();
    Gui.run(
        () -> {
          PeopleList people = new PeopleList(p -> 3, p -> {}, p -> {});
          people.showPeople(
              List.of(new RemotePresence("s1", "mallory", HTML, "#e11d48", Selection.caret(0))));
          JList<RemotePresence> list = people.names();
          JLabel row =
              (JLabel)
                  list.getCellRenderer()
                      .getListCellRendererComponent(
                          list, list.getModel().getElementAt(0), 0, false, false);
          assertThat(row.getText()).startsWith(HTML);
          assertShownAsText(row, row.getText());
          assertTooltipShownAsText(list, row.getToolTipText());
        });
  }

  @Test
  void aPlainComboBoxShowsItsItemsAsText_alsoAfterAThemeChange() {
    Gui.requireDisplay();
    Gui.run(
        () -> {
          JComboBox<String> box = PlainText.comboBox(); // the history's named versions
          box.addItem(HTML);
          for (int theme = 0; theme < 2; theme++) {
            JList<String> popupList = new JList<>(new String[] {HTML});
            JLabel cell =
                (JLabel)
                    box.getRenderer()
                        .getListCellRendererComponent(popupList, HTML, 0, false, false);
            assertThat(cell.getText()).isEqualTo(HTML);
            assertShownAsText(cell, HTML);
            box.updateUI(); // as a theme change does: a new renderer
          }
        });
  }

  @Test
  void theSidebarShowsADocumentTitleAsText() {
    Gui.requireDisplay();
    try (OneWindow one = new OneWindow(dir, HTML, "text\n")) {
      Gui.run(
          () -> {
            @SuppressWarnings("unchecked")
            JList<LocalDocument> list =
                Gui.find(one.window, JList.class).stream()
                    .filter(l -> "documents".equals(l.getName()))
                    .findFirst()
                    .orElseThrow();
            assertThat(list.getModel().getSize()).isEqualTo(1);
            Component cell =
                list.getCellRenderer()
                    .getListCellRendererComponent(
                        list, list.getModel().getElementAt(0), 0, true, false);
            JLabel title =
                java.util.Arrays.stream(((JPanel) cell).getComponents())
                    .map(JLabel.class::cast)
                    .filter(l -> HTML.equals(l.getText()))
                    .findFirst()
                    .orElseThrow();
            assertShownAsText(title, HTML);
            assertTooltipShownAsText(list, HTML);
          });
      if (Gui.onEdt(JFrame::isDefaultLookAndFeelDecorated)) {
        assertTitleBarShowsAsText(one.window);
        try {
          Gui.run(() -> Themes.switchTo(true)); // a new look makes a new title bar
          assertTitleBarShowsAsText(one.window);
        } finally {
          Gui.run(() -> Themes.switchTo(false));
        }
      }
    }
  }

  /** The window's title starts with the document's; FlatLaf draws the title bar with a label. */
  private static void assertTitleBarShowsAsText(JFrame window) {
    List<JLabel> titleBar =
        Gui.find(window.getRootPane().getLayeredPane(), JLabel.class).stream()
            .filter(l -> Gui.onEdt(l::getText) != null && Gui.onEdt(l::getText).startsWith(HTML))
            .toList();
    assertThat(titleBar).isNotEmpty();
    Gui.run(() -> titleBar.forEach(l -> assertShownAsText(l, l.getText())));
  }

  @Test
  void aCommentsAuthorAndTextAreShownAsText() {
    Gui.requireDisplay();
    try (TwoWindows w =
        new TwoWindows(
            dir,
            "notes.txt",
            "Hello world\n",
            new Rectangle(0, 0, 680, 600),
            new Rectangle(700, 0, 680, 600),
            HTML)) {
      Gui.run(() -> w.alice.textArea().select(6, 11));
      Gui.clickMenu(w.alice, "Edit", "Comment…");
      JDialog d = Gui.awaitDialog("Add a comment");
      Gui.run(
          () -> {
            Gui.find(d, JTextField.class).get(0).setText(HTML);
            Gui.button(d, "OK").doClick();
          });
      Gui.await("Bob sees the comment", () -> w.bob.comments().shown().size() == 1);
      Gui.await("Bob knows who wrote it", () -> Gui.labels(w.bob.comments()).contains(HTML));
      Gui.run(
          () -> {
            for (JLabel l : Gui.find(w.bob.comments(), JLabel.class)) {
              if (l.getText() != null && l.getText().startsWith(HTML)) {
                assertShownAsText(l, l.getText());
              }
            }
            List<JTextComponent> texts =
                Gui.find(w.bob.comments(), JTextComponent.class).stream()
                    .filter(c -> "comment.text".equals(c.getName()))
                    .toList();
            assertThat(texts).hasSize(1);
            assertThat(texts.get(0).getText()).isEqualTo(HTML);
            assertShownAsText(texts.get(0), HTML);
            // The status bar and the people list show Alice's name as text too.
            List<JLabel> people = Gui.find(w.bob.statusBar().peoplePart(), JLabel.class);
            assertThat(people).extracting(JLabel::getText).contains(HTML);
            for (JLabel l : people) {
              assertShownAsText(l, l.getText());
              assertTooltipShownAsText(l, l.getToolTipText());
            }
          });
    }
  }
}
