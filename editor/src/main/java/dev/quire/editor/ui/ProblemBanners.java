package dev.quire.editor.ui;

import java.awt.BorderLayout;
import java.awt.Color;
import java.awt.Dimension;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.swing.BorderFactory;
import javax.swing.BoxLayout;
import javax.swing.JButton;
import javax.swing.JLabel;
import javax.swing.JPanel;

/**
 * The yellow banners over the text: problems the user must see, each with a close button. A problem
 * about a document belongs to it and shows only while that document is open (a refusal about a
 * document just deleted never lands on the next one); a problem about the window or the relay shows
 * over every document. Each problem has a kind, so the event that resolves it (the document synced
 * again, a later share went through) takes it away. Event thread only.
 */
final class ProblemBanners extends JPanel {
  /** Problems about the window or the relay as a whole, not about one document. */
  static final String WINDOW = "";

  private static final Color BACKGROUND = new Color(0xfef3c7);
  private static final Color FOREGROUND = new Color(0x78350f);

  /** A button on a banner: what the user can do about the problem. */
  record Action(String label, Runnable run) {}

  // document id (or WINDOW) -> kind -> message, in the order they came
  private final Map<String, Map<String, String>> problems = new HashMap<>();
  private final Map<String, List<Action>> actions = new HashMap<>(); // by document and kind
  private String shownDocument = WINDOW;

  ProblemBanners() {
    setLayout(new BoxLayout(this, BoxLayout.Y_AXIS));
    setOpaque(false);
    setVisible(false);
  }

  @Override
  public Dimension getMinimumSize() {
    return new Dimension(0, super.getMinimumSize().height); // never wider than the text below
  }

  /** Shows {@code message} for {@code document} (or {@link #WINDOW}), replacing its kind's last. */
  void report(String document, String kind, String message) {
    report(document, kind, message, List.of());
  }

  /** As {@link #report(String, String, String)}, with buttons for what the user can do. */
  void report(String document, String kind, String message, List<Action> buttons) {
    actions.put(document + "\u0000" + kind, List.copyOf(buttons));
    Map<String, String> byKind = problems.computeIfAbsent(document, d -> new LinkedHashMap<>());
    byKind.remove(kind); // a repeated kind moves to the end, as the newest
    byKind.put(kind, message);
    rebuild();
  }

  /** The problem of {@code kind} about {@code document} is resolved: its banner goes. */
  void resolve(String document, String kind) {
    Map<String, String> byKind = problems.get(document);
    if (byKind != null && byKind.remove(kind) != null) {
      rebuild();
    }
  }

  /** The document is gone: so are its problems. */
  void forget(String document) {
    if (problems.remove(document) != null) {
      rebuild();
    }
  }

  /** Shows the banners of {@code document} (null or {@link #WINDOW} when none is open). */
  void showDocument(String document) {
    shownDocument = document == null ? WINDOW : document;
    rebuild();
  }

  /** The messages shown now, the window's first. */
  List<String> shownMessages() {
    return shown().stream().map(Problem::message).toList();
  }

  private record Problem(String document, String kind, String message) {}

  private List<Problem> shown() {
    List<Problem> shown = new ArrayList<>();
    List<String> messages = new ArrayList<>();
    for (String document :
        shownDocument.equals(WINDOW) ? List.of(WINDOW) : List.of(WINDOW, shownDocument)) {
      problems
          .getOrDefault(document, Map.of())
          .forEach(
              (kind, message) -> {
                if (!messages.contains(message)) { // a relay problem reaches window and documents
                  messages.add(message);
                  shown.add(new Problem(document, kind, message));
                }
              });
    }
    return shown;
  }

  private void rebuild() {
    removeAll();
    shown().forEach(p -> add(banner(p)));
    setVisible(getComponentCount() > 0);
    revalidate();
    repaint();
  }

  private JPanel banner(Problem p) {
    JPanel banner = new JPanel(new BorderLayout(8, 0));
    banner.setName("banner");
    banner.setBackground(BACKGROUND);
    banner.setBorder(
        BorderFactory.createCompoundBorder(
            BorderFactory.createMatteBorder(0, 0, 1, 0, BACKGROUND.darker()),
            BorderFactory.createEmptyBorder(4, 10, 4, 4)));
    JLabel text = PlainText.label("⚠  " + p.message()); // may quote a title or the relay
    text.setForeground(FOREGROUND);
    text.setToolTipText(p.message()); // the whole message when the window cuts it short
    text.setMinimumSize(new Dimension(0, 0)); // a long message must not push the close button out
    JPanel buttons = new JPanel();
    buttons.setOpaque(false);
    buttons.setLayout(new BoxLayout(buttons, BoxLayout.X_AXIS));
    for (Action a : actions.getOrDefault(p.document() + "\u0000" + p.kind(), List.of())) {
      JButton b = new JButton(a.label());
      b.setFocusable(false);
      b.addActionListener(e -> a.run().run());
      buttons.add(b);
    }
    JButton close = new JButton("×");
    close.setName("banner.close");
    close.setToolTipText("Close this message");
    close.putClientProperty("JButton.buttonType", "toolBarButton");
    close.setForeground(FOREGROUND);
    close.setFocusable(false);
    close.addActionListener(e -> resolve(p.document(), p.kind()));
    banner.add(text, BorderLayout.CENTER);
    buttons.add(close);
    banner.add(buttons, BorderLayout.EAST);
    return banner;
  }
}
