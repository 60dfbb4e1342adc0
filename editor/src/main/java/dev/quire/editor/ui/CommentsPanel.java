package dev.quire.editor.ui;

import dev.quire.editor.sync.DocumentListener;
import dev.quire.editor.sync.DocumentSession;
import dev.quire.editor.sync.ShownComment;
import dev.quire.editor.ui.history.Person;
import dev.quire.ot.note.CommentThread;
import dev.quire.ot.note.Note;
import dev.quire.ot.operation.TextOperation;
import java.awt.BorderLayout;
import java.awt.Color;
import java.awt.Cursor;
import java.awt.Dimension;
import java.awt.FlowLayout;
import java.awt.Font;
import java.awt.event.MouseAdapter;
import java.awt.event.MouseEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.swing.BorderFactory;
import javax.swing.Box;
import javax.swing.BoxLayout;
import javax.swing.JButton;
import javax.swing.JCheckBox;
import javax.swing.JComponent;
import javax.swing.JLabel;
import javax.swing.JOptionPane;
import javax.swing.JPanel;
import javax.swing.JScrollPane;
import javax.swing.JTextArea;
import javax.swing.Timer;
import javax.swing.text.BadLocationException;
import javax.swing.text.DefaultHighlighter;

/**
 * The comments on the open document, beside its text: one card per comment (the text it is about,
 * who wrote it, replies) with Reply, Resolve or Reopen, and Delete for one's own; the commented
 * text highlighted in its author's colour. Shown while the document has comments, or while one is
 * being written. Event thread only.
 */
final class CommentsPanel extends JPanel {
  private static final int WIDTH = 270;

  private final QuireTextArea area;
  private final Function<String, Person> people;
  private final Supplier<String> me; // this profile's relay user, or null when not known
  private final Consumer<String> problem;
  private final JPanel cards = new Cards();
  private final JCheckBox showResolved = new JCheckBox("Resolved");
  private final List<Object> highlights = new ArrayList<>();
  private final Timer refresh = new Timer(120, e -> refresh());
  private final DocumentListener listener =
      new DocumentListener() {
        @Override
        public void remoteEdit(TextOperation op) {
          refresh.restart();
        }

        @Override
        public void localEdit(TextOperation op) {
          refresh.restart();
        }

        @Override
        public void notesChanged() {
          refresh.restart();
        }
      };
  private DocumentSession session;
  private SessionBinding binding;
  private List<ShownComment> shown = List.of();

  /** The cards, as wide as the column: their texts wrap instead of running off its edge. */
  private static final class Cards extends JPanel implements javax.swing.Scrollable {
    @Override
    public Dimension getPreferredScrollableViewportSize() {
      return getPreferredSize();
    }

    @Override
    public int getScrollableUnitIncrement(java.awt.Rectangle r, int orientation, int direction) {
      return 16;
    }

    @Override
    public int getScrollableBlockIncrement(java.awt.Rectangle r, int orientation, int direction) {
      return r.height;
    }

    @Override
    public boolean getScrollableTracksViewportWidth() {
      return true;
    }

    @Override
    public boolean getScrollableTracksViewportHeight() {
      return false;
    }
  }

  CommentsPanel(
      QuireTextArea area,
      Function<String, Person> people,
      Supplier<String> me,
      Consumer<String> problem) {
    super(new BorderLayout());
    this.area = area;
    this.people = people;
    this.me = me;
    this.problem = problem;
    setName("comments");
    setPreferredSize(new Dimension(WIDTH, 10));
    setBorder(BorderFactory.createMatteBorder(0, 1, 0, 0, Color.GRAY));
    refresh.setRepeats(false);
    JLabel title = new JLabel("Comments");
    title.setFont(title.getFont().deriveFont(Font.BOLD));
    JButton add = new JButton("Comment…");
    add.setName("comments.add");
    add.setToolTipText("Comment on the selected text (Ctrl+Alt+M)");
    add.addActionListener(e -> addComment());
    showResolved.setName("comments.showResolved");
    showResolved.setToolTipText("Show resolved comments too");
    showResolved.addActionListener(e -> refresh());
    JPanel header = new JPanel(new FlowLayout(FlowLayout.LEFT, 6, 4));
    header.add(title);
    header.add(add);
    header.add(showResolved);
    add(header, BorderLayout.NORTH);
    cards.setLayout(new BoxLayout(cards, BoxLayout.Y_AXIS));
    JScrollPane scroll = new JScrollPane(cards);
    scroll.setBorder(BorderFactory.createEmptyBorder());
    scroll.getVerticalScrollBar().setUnitIncrement(16);
    add(scroll, BorderLayout.CENTER);
    setVisible(false);
  }

  /** Shows the comments of the session {@code binding} shows (null: none). */
  void bind(DocumentSession s, SessionBinding b) {
    if (session != null) {
      session.removeListener(listener);
    }
    session = s;
    binding = b;
    if (s != null) {
      s.addListener(listener);
    }
    refresh();
  }

  /** Asks for a comment on the selected text (at the caret when nothing is selected). */
  void addComment() {
    if (session == null || binding == null) {
      return;
    }
    int from = binding.toCodePoint(area.getSelectionStart());
    int to = binding.toCodePoint(area.getSelectionEnd());
    setVisible(true);
    String text = ask("Comment on the selected text:", "Add a comment");
    if (text != null) {
      note(new Note.Comment(UUID.randomUUID().toString(), from, to, text));
    }
    refresh();
  }

  /** The comments as last shown, in order. */
  List<ShownComment> shown() {
    return shown;
  }

  /** Reads the comments again and shows them: cards and highlights. */
  void refresh() {
    refresh.stop();
    clearHighlights();
    cards.removeAll();
    shown = session == null ? List.of() : session.comments();
    int visible = 0;
    for (ShownComment c : shown) {
      if (c.resolved() && !showResolved.isSelected()) {
        continue;
      }
      visible++;
      cards.add(card(c));
      cards.add(Box.createVerticalStrut(6));
      if (!c.resolved()) {
        highlight(c);
      }
    }
    cards.add(Box.createVerticalGlue());
    setVisible(session != null && (!shown.isEmpty() || isVisible()));
    if (visible == 0 && session != null) {
      JLabel none =
          new JLabel(
              shown.isEmpty()
                  ? "<html>No comments. Select text and press Comment….</html>"
                  : "<html>Every comment is resolved.</html>");
      none.setBorder(BorderFactory.createEmptyBorder(8, 8, 8, 8));
      cards.add(none, 0);
    }
    cards.revalidate();
    cards.repaint();
  }

  private JComponent card(ShownComment c) {
    JPanel card = new JPanel();
    card.setName("comment." + c.id());
    card.setLayout(new BoxLayout(card, BoxLayout.Y_AXIS));
    Person author = person(c.author());
    card.setBorder(
        BorderFactory.createCompoundBorder(
            BorderFactory.createMatteBorder(0, 4, 0, 0, author.colour()),
            BorderFactory.createEmptyBorder(4, 8, 4, 4)));
    JLabel quote = PlainText.label("“" + abbreviate(quote(c), 40) + "”");
    quote.setName("comment.quote");
    quote.setFont(quote.getFont().deriveFont(Font.ITALIC));
    quote.setCursor(Cursor.getPredefinedCursor(Cursor.HAND_CURSOR));
    quote.setToolTipText("Select this text");
    quote.addMouseListener(
        new MouseAdapter() {
          @Override
          public void mouseClicked(MouseEvent e) {
            select(c);
          }
        });
    card.add(left(quote));
    String state = !c.sent() ? " · sending" : c.resolved() ? " · resolved" : "";
    card.add(left(byline(author, state)));
    card.add(left(body(c.text())));
    for (CommentThread.Reply r : c.replies()) {
      JPanel reply = new JPanel();
      reply.setLayout(new BoxLayout(reply, BoxLayout.Y_AXIS));
      reply.setBorder(BorderFactory.createEmptyBorder(2, 12, 2, 0));
      reply.add(left(byline(person(r.author()), "")));
      reply.add(left(body(r.text())));
      card.add(left(reply));
    }
    JPanel buttons = new JPanel(new FlowLayout(FlowLayout.LEFT, 4, 2));
    if (c.sent()) {
      buttons.add(button("Reply…", "comment.reply", () -> reply(c)));
      buttons.add(
          c.resolved()
              ? button("Reopen", "comment.reopen", () -> note(new Note.Resolve(c.id(), false)))
              : button("Resolve", "comment.resolve", () -> note(new Note.Resolve(c.id(), true))));
      if (c.author() != null && c.author().equals(me.get())) {
        buttons.add(button("Delete", "comment.delete", () -> note(new Note.Delete(c.id()))));
      }
    }
    card.add(left(buttons));
    card.setMaximumSize(new Dimension(Integer.MAX_VALUE, card.getPreferredSize().height));
    return card;
  }

  private JLabel byline(Person p, String state) {
    JLabel l = PlainText.label(p.name() + state);
    l.setForeground(p.colour());
    l.setFont(l.getFont().deriveFont(Font.BOLD));
    return l;
  }

  private static JTextArea body(String text) {
    JTextArea t = new JTextArea(text);
    t.setName("comment.text");
    t.setEditable(false);
    t.setLineWrap(true);
    t.setWrapStyleWord(true);
    t.setOpaque(false);
    return t;
  }

  private static JButton button(String text, String name, Runnable action) {
    JButton b = new JButton(text);
    b.setName(name);
    b.setMargin(new java.awt.Insets(1, 6, 1, 6));
    b.addActionListener(e -> action.run());
    return b;
  }

  private static JComponent left(JComponent c) {
    c.setAlignmentX(LEFT_ALIGNMENT);
    return c;
  }

  private void reply(ShownComment c) {
    String text = ask("Reply to “" + abbreviate(c.text(), 40) + "”:", "Reply");
    if (text != null) {
      note(new Note.Reply(UUID.randomUUID().toString(), c.id(), text));
    }
  }

  private void note(Note n) {
    try {
      session.addNote(n);
    } catch (RuntimeException e) {
      problem.accept("Cannot comment: " + e.getMessage());
    }
    refresh();
  }

  private String ask(String prompt, String title) {
    Object answer =
        JOptionPane.showInputDialog(this, prompt, title, JOptionPane.PLAIN_MESSAGE, null, null, "");
    if (answer == null || answer.toString().isBlank()) {
      return null;
    }
    return answer.toString().strip();
  }

  private Person person(String user) {
    if (user == null) {
      Person self = me.get() == null ? null : people.apply(me.get());
      return self != null ? self : new Person("You", Colours.parse(Colours.PALETTE[0]));
    }
    Person p = people.apply(user);
    return p != null ? p : new Person(user, Colours.parse(paletteColour(user)));
  }

  private static String paletteColour(String user) {
    return Colours.PALETTE[Math.floorMod(user.hashCode(), Colours.PALETTE.length)];
  }

  private String quote(ShownComment c) {
    if (binding == null || c.anchor().isPoint()) {
      return "…";
    }
    String text = area.getText();
    int from = Math.min(text.length(), binding.toOffset(c.anchor().from()));
    int to = Math.min(text.length(), binding.toOffset(c.anchor().to()));
    return text.substring(from, to).replace('\n', ' ');
  }

  private static String abbreviate(String s, int max) {
    if (s.codePointCount(0, s.length()) <= max) {
      return s;
    }
    return s.substring(0, s.offsetByCodePoints(0, max)) + "…";
  }

  private void select(ShownComment c) {
    if (binding != null) {
      int length = area.getDocument().getLength();
      area.setCaretPosition(Math.min(length, binding.toOffset(c.anchor().from())));
      area.moveCaretPosition(Math.min(length, binding.toOffset(c.anchor().to())));
      area.requestFocusInWindow();
    }
  }

  private void highlight(ShownComment c) {
    if (binding == null || c.anchor().isPoint()) {
      return;
    }
    Color colour = person(c.author()).colour();
    Color wash = new Color(colour.getRed(), colour.getGreen(), colour.getBlue(), 70);
    int length = area.getDocument().getLength();
    try {
      highlights.add(
          area.getHighlighter()
              .addHighlight(
                  Math.min(length, binding.toOffset(c.anchor().from())),
                  Math.min(length, binding.toOffset(c.anchor().to())),
                  new DefaultHighlighter.DefaultHighlightPainter(wash)));
    } catch (BadLocationException e) {
      // the text moved on since the anchors were read: the next refresh places it
      refresh.restart();
    }
  }

  private void clearHighlights() {
    highlights.forEach(h -> area.getHighlighter().removeHighlight(h));
    highlights.clear();
  }
}
