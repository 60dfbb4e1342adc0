package dev.quire.editor.ui;

import dev.quire.editor.sync.RemotePresence;
import java.awt.BorderLayout;
import java.awt.Color;
import java.awt.Component;
import java.awt.Graphics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.event.KeyEvent;
import java.awt.event.MouseAdapter;
import java.awt.event.MouseEvent;
import java.util.Collection;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;
import javax.swing.AbstractAction;
import javax.swing.BorderFactory;
import javax.swing.DefaultListCellRenderer;
import javax.swing.DefaultListModel;
import javax.swing.Icon;
import javax.swing.JLabel;
import javax.swing.JList;
import javax.swing.JPanel;
import javax.swing.JScrollPane;
import javax.swing.JToggleButton;
import javax.swing.KeyStroke;
import javax.swing.ListSelectionModel;

/**
 * Who is in the open document: this user first, then each collaborator (one row per connection)
 * with their colour and the line their caret is on. Clicking a collaborator takes the view to their
 * caret; the Follow button keeps it there as they move, until the user types or scrolls. Event
 * thread only.
 */
final class PeopleList extends JPanel {
  private final DefaultListModel<RemotePresence> model = new DefaultListModel<>();
  private final JList<RemotePresence> list = PlainText.list(model);
  private final JLabel self = PlainText.label("");
  private final JToggleButton follow = new JToggleButton("Follow");
  private final JLabel state = PlainText.label(" "); // may name who is followed
  private final ToIntFunction<RemotePresence> lineOf;
  private String followed; // the session followed, or null

  /**
   * @param lineOf the line a collaborator's caret is on (1-based, 0 when unknown)
   * @param jump takes the view to a collaborator's caret
   * @param followChosen told the collaborator to follow, or null to stop
   */
  PeopleList(
      ToIntFunction<RemotePresence> lineOf,
      Consumer<RemotePresence> jump,
      Consumer<RemotePresence> followChosen) {
    super(new BorderLayout(0, 4));
    this.lineOf = Objects.requireNonNull(lineOf, "lineOf == null");
    setName("people");
    setBorder(BorderFactory.createEmptyBorder(6, 8, 6, 8));
    JLabel heading = new JLabel("People here");
    heading.setFont(heading.getFont().deriveFont(java.awt.Font.BOLD));
    JPanel top = new JPanel(new BorderLayout(0, 2));
    top.setOpaque(false);
    top.add(heading, BorderLayout.NORTH);
    top.add(self, BorderLayout.SOUTH);
    add(top, BorderLayout.NORTH);

    list.setName("people-list");
    list.setSelectionMode(ListSelectionModel.SINGLE_SELECTION);
    list.setCellRenderer(new Row());
    list.setVisibleRowCount(4);
    list.addMouseListener(
        new MouseAdapter() {
          @Override
          public void mouseClicked(MouseEvent e) {
            int i = list.locationToIndex(e.getPoint());
            if (i >= 0 && list.getCellBounds(i, i).contains(e.getPoint())) {
              jump.accept(model.get(i));
            }
          }
        });
    list.getInputMap().put(KeyStroke.getKeyStroke(KeyEvent.VK_ENTER, 0), "jump");
    list.getActionMap()
        .put(
            "jump",
            new AbstractAction() {
              @Override
              public void actionPerformed(java.awt.event.ActionEvent e) {
                RemotePresence p = list.getSelectedValue();
                if (p != null) {
                  jump.accept(p);
                }
              }
            });
    list.addListSelectionListener(
        e -> follow.setEnabled(list.getSelectedValue() != null || followed != null));
    JScrollPane scroll = new JScrollPane(list);
    scroll.setBorder(BorderFactory.createEmptyBorder());
    add(scroll, BorderLayout.CENTER);

    follow.setName("follow");
    follow.setEnabled(false);
    follow.setToolTipText("Keep the view on the selected person's caret as they move");
    follow.addActionListener(
        e -> followChosen.accept(follow.isSelected() ? list.getSelectedValue() : null));
    state.setName("follow-state");
    state.setFont(state.getFont().deriveFont(state.getFont().getSize2D() - 1f));
    JPanel bottom = new JPanel(new BorderLayout(0, 2));
    bottom.setOpaque(false);
    bottom.add(follow, BorderLayout.NORTH);
    bottom.add(state, BorderLayout.SOUTH);
    add(bottom, BorderLayout.SOUTH);
    showSelf("", "");
    showPeople(java.util.List.of());
  }

  /** This profile's own name and colour, shown first. */
  void showSelf(String name, String colour) {
    self.setText((name.isBlank() ? "You" : name) + " (you)");
    self.setIcon(new Dot(Colours.parse(colour)));
  }

  /** The collaborators now in the document; keeps the selection on the same connection. */
  void showPeople(Collection<RemotePresence> presences) {
    RemotePresence selected = list.getSelectedValue();
    model.clear();
    presences.stream()
        .sorted(
            java.util.Comparator.comparing(RemotePresence::name)
                .thenComparing(RemotePresence::session))
        .forEach(model::addElement);
    if (selected != null) {
      for (int i = 0; i < model.size(); i++) {
        if (model.get(i).session().equals(selected.session())) {
          list.setSelectedIndex(i);
        }
      }
    }
    list.setToolTipText(model.isEmpty() ? null : "Click a name to go to their caret");
    follow.setEnabled(list.getSelectedValue() != null || followed != null);
  }

  /** Shows who is followed ({@code session}, or null for nobody) and why it changed. */
  void showFollowing(String session, String message) {
    followed = session;
    follow.setSelected(session != null);
    follow.setEnabled(session != null || list.getSelectedValue() != null);
    state.setText(message == null || message.isEmpty() ? " " : message);
    list.repaint();
  }

  /** The text under the Follow button; for tests. */
  String followState() {
    return state.getText().strip();
  }

  JList<RemotePresence> names() {
    return list;
  }

  JToggleButton followButton() {
    return follow;
  }

  /** A collaborator's row: their colour, name and line, and whether they are followed. */
  private final class Row extends DefaultListCellRenderer {
    Row() {
      PlainText.mark(this);
    }

    @Override
    public Component getListCellRendererComponent(
        JList<?> l, Object value, int index, boolean selected, boolean focused) {
      super.getListCellRendererComponent(l, value, index, selected, focused);
      RemotePresence p = (RemotePresence) value;
      int line = lineOf.applyAsInt(p);
      String where = line > 0 ? " · line " + line : "";
      String following = p.session().equals(followed) ? " · following" : "";
      setText(p.name() + where + following);
      setIcon(new Dot(Colours.parse(p.colour())));
      setToolTipText(p.name() + " (" + p.user() + "): click to go to their caret");
      return this;
    }
  }

  /** A filled circle in a person's colour. */
  private record Dot(Color colour) implements Icon {
    @Override
    public void paintIcon(Component c, Graphics g, int x, int y) {
      Graphics2D g2 = (Graphics2D) g.create();
      g2.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g2.setColor(colour);
      g2.fillOval(x + 1, y + 1, 10, 10);
      g2.dispose();
    }

    @Override
    public int getIconWidth() {
      return 12;
    }

    @Override
    public int getIconHeight() {
      return 12;
    }
  }
}
