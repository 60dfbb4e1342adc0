package dev.quire.editor.ui;

import dev.quire.editor.store.LocalDocument;
import java.awt.BorderLayout;
import java.awt.Color;
import java.awt.Component;
import java.awt.Dimension;
import java.awt.Font;
import java.awt.event.MouseAdapter;
import java.awt.event.MouseEvent;
import java.util.List;
import java.util.function.Consumer;
import javax.swing.BorderFactory;
import javax.swing.DefaultListModel;
import javax.swing.JButton;
import javax.swing.JLabel;
import javax.swing.JList;
import javax.swing.JPanel;
import javax.swing.JPopupMenu;
import javax.swing.JScrollPane;
import javax.swing.ListCellRenderer;
import javax.swing.ListSelectionModel;
import javax.swing.UIManager;

/**
 * The list of the profile's documents with each one's sync state; selecting one opens it. Its Trash
 * button shows the relay's trash ({@link TrashView}) in its place.
 */
final class DocumentSidebar extends JPanel {
  private final DefaultListModel<LocalDocument> model = new DefaultListModel<>();
  private final JList<LocalDocument> list = PlainText.list(model);
  private boolean updating;

  DocumentSidebar(
      Consumer<LocalDocument> open,
      JPopupMenu menu,
      Runnable newDocument,
      Runnable showTrash,
      java.util.function.Predicate<String> encrypted) {
    super(new BorderLayout());
    setPreferredSize(new Dimension(230, 400));
    setBorder(
        BorderFactory.createMatteBorder(0, 0, 0, 1, UIManager.getColor("Separator.foreground")));
    JLabel header = new JLabel("Documents");
    header.setFont(header.getFont().deriveFont(Font.BOLD));
    JButton add = new JButton("+");
    add.setToolTipText("New document (Ctrl+N)");
    add.putClientProperty("JButton.buttonType", "toolBarButton");
    add.addActionListener(e -> newDocument.run());
    JPanel top = new JPanel(new BorderLayout());
    top.setBorder(BorderFactory.createEmptyBorder(8, 10, 6, 6));
    top.add(header, BorderLayout.WEST);
    top.add(add, BorderLayout.EAST);
    add(top, BorderLayout.NORTH);

    list.setName("documents");
    list.setSelectionMode(ListSelectionModel.SINGLE_SELECTION);
    list.setCellRenderer(new Renderer(encrypted));
    list.addListSelectionListener(
        e -> {
          if (!e.getValueIsAdjusting() && !updating && list.getSelectedValue() != null) {
            open.accept(list.getSelectedValue());
          }
        });
    list.addMouseListener(
        new MouseAdapter() {
          @Override
          public void mousePressed(MouseEvent e) {
            popup(e);
          }

          @Override
          public void mouseReleased(MouseEvent e) {
            popup(e);
          }

          private void popup(MouseEvent e) {
            if (e.isPopupTrigger()) {
              int i = list.locationToIndex(e.getPoint());
              if (i >= 0) {
                list.setSelectedIndex(i);
                menu.show(list, e.getX(), e.getY());
              }
            }
          }
        });
    JScrollPane scroll = new JScrollPane(list);
    scroll.setBorder(BorderFactory.createEmptyBorder());
    add(scroll, BorderLayout.CENTER);
    JButton trash = new JButton("Trash");
    trash.setName("show trash");
    trash.setToolTipText("Deleted documents, kept on the relay until restored or purged");
    trash.putClientProperty("JButton.buttonType", "toolBarButton");
    trash.addActionListener(e -> showTrash.run());
    JPanel bottom = new JPanel(new BorderLayout());
    bottom.setBorder(BorderFactory.createEmptyBorder(2, 6, 4, 6));
    bottom.add(trash, BorderLayout.WEST);
    add(bottom, BorderLayout.SOUTH);
  }

  /** Replaces the list, keeping the selection on {@code selectedId} without reopening it. */
  void show(List<LocalDocument> documents, String selectedId) {
    updating = true;
    try {
      model.clear();
      int selected = -1;
      for (int i = 0; i < documents.size(); i++) {
        model.addElement(documents.get(i));
        if (documents.get(i).id().equals(selectedId)) {
          selected = i;
        }
      }
      if (selected >= 0) {
        list.setSelectedIndex(selected);
      } else {
        list.clearSelection();
      }
    } finally {
      updating = false;
    }
  }

  /** Shows {@code d} in place of the document with its id, if listed and different. */
  void replace(LocalDocument d) {
    for (int i = 0; i < model.size(); i++) {
      if (model.get(i).id().equals(d.id())) {
        if (!model.get(i).equals(d)) {
          updating = true;
          try {
            model.set(i, d);
          } finally {
            updating = false;
          }
        }
        return;
      }
    }
  }

  List<LocalDocument> documents() {
    return java.util.Collections.list(model.elements());
  }

  private static final class Renderer extends JPanel implements ListCellRenderer<LocalDocument> {
    private final JLabel title = PlainText.label("");
    private final JLabel state = new JLabel();
    private final java.util.function.Predicate<String> encrypted;

    Renderer(java.util.function.Predicate<String> encrypted) {
      super(new BorderLayout(0, 1));
      this.encrypted = encrypted;
      setBorder(BorderFactory.createEmptyBorder(5, 10, 5, 8));
      title.setFont(title.getFont().deriveFont(Font.PLAIN, title.getFont().getSize2D() + 1f));
      state.setFont(state.getFont().deriveFont(state.getFont().getSize2D() - 1f));
      add(title, BorderLayout.NORTH);
      add(state, BorderLayout.SOUTH);
    }

    @Override
    public Component getListCellRendererComponent(
        JList<? extends LocalDocument> list,
        LocalDocument d,
        int index,
        boolean selected,
        boolean focused) {
      title.setText(d.title());
      boolean locked = encrypted.test(d.id());
      title.setIcon(locked ? new LockIcon(title.getFont().getSize()) : null);
      String words =
          switch (d.syncState()) {
            case "synced" -> "synced · rev " + d.head();
            case "unsent" -> d.pending() + " unsent · rev " + d.head();
            case "error" -> "sync stopped";
            default -> "only on this machine";
          };
      state.setText(words);
      state.setIcon(new StatusBar.Dot(stateColour(d.syncState())));
      setToolTipText(
          d.syncError() != null
              ? d.syncError()
              : d.id() + (locked ? " · encrypted end to end" : ""));
      Color bg = selected ? list.getSelectionBackground() : list.getBackground();
      Color fg = selected ? list.getSelectionForeground() : list.getForeground();
      setBackground(bg);
      title.setForeground(fg);
      state.setForeground(selected ? fg : UIManager.getColor("Label.disabledForeground"));
      return this;
    }

    private static Color stateColour(String state) {
      return switch (state) {
        case "synced" -> new Color(0x22c55e);
        case "unsent" -> new Color(0xf59e0b);
        case "error" -> new Color(0xef4444);
        default -> new Color(0x9ca3af);
      };
    }
  }

  /** A small padlock: the document is encrypted end to end. */
  static final class LockIcon implements javax.swing.Icon {
    private final int size;

    LockIcon(int size) {
      this.size = Math.max(10, size);
    }

    @Override
    public void paintIcon(Component c, java.awt.Graphics g, int x, int y) {
      java.awt.Graphics2D g2 = (java.awt.Graphics2D) g.create();
      try {
        g2.setRenderingHint(
            java.awt.RenderingHints.KEY_ANTIALIASING, java.awt.RenderingHints.VALUE_ANTIALIAS_ON);
        g2.setColor(c.getForeground());
        int w = size * 2 / 3;
        int bodyH = size / 2;
        int left = x + 1;
        int top = y + size - bodyH;
        g2.setStroke(new java.awt.BasicStroke(Math.max(1.5f, size / 8f)));
        g2.drawArc(left + w / 6, y + 1, w * 2 / 3, bodyH + 1, 0, 180);
        g2.drawLine(left + w / 6, y + 1 + (bodyH + 1) / 2, left + w / 6, top);
        g2.drawLine(left + w * 5 / 6, y + 1 + (bodyH + 1) / 2, left + w * 5 / 6, top);
        g2.fillRoundRect(left, top, w, bodyH, 3, 3);
      } finally {
        g2.dispose();
      }
    }

    @Override
    public int getIconWidth() {
      return size * 2 / 3 + 5;
    }

    @Override
    public int getIconHeight() {
      return size;
    }
  }
}
