package dev.quire.editor.ui;

import dev.quire.ot.protocol.TrashedDocument;
import java.awt.BorderLayout;
import java.awt.Component;
import java.awt.FlowLayout;
import java.awt.Font;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import javax.swing.BorderFactory;
import javax.swing.BoxLayout;
import javax.swing.DefaultListModel;
import javax.swing.JButton;
import javax.swing.JLabel;
import javax.swing.JList;
import javax.swing.JOptionPane;
import javax.swing.JPanel;
import javax.swing.JScrollPane;
import javax.swing.ListCellRenderer;
import javax.swing.ListSelectionModel;
import javax.swing.SwingUtilities;
import javax.swing.UIManager;

/**
 * The sidebar's Trash: the documents this user deleted, kept on the relay with their history until
 * restored, deleted forever, or purged by the relay when their time is up (shown for each). Every
 * action asks the relay; deleting forever asks first, with Cancel as the default button.
 * Event-thread only.
 */
final class TrashView extends JPanel {
  /** The relay's trash, as the window reaches it (each future fails with the reason). */
  interface RelayTrash {
    CompletableFuture<List<TrashedDocument>> list();

    CompletableFuture<?> restore(String doc);

    CompletableFuture<?> purge(String doc);

    CompletableFuture<Long> empty();
  }

  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm", Locale.ENGLISH);

  private final RelayTrash relay;
  private final DefaultListModel<TrashedDocument> model = new DefaultListModel<>();
  private final JList<TrashedDocument> list = PlainText.list(model);
  private final JLabel message = new JLabel(" ");
  private final JButton restore = new JButton("Restore");
  private final JButton purge = new JButton("Delete forever");
  private final JButton empty = new JButton("Empty trash");
  private boolean busy;

  TrashView(RelayTrash relay, Runnable back) {
    super(new BorderLayout());
    this.relay = relay;
    setName("trash");
    JLabel header = new JLabel("Trash");
    header.setFont(header.getFont().deriveFont(Font.BOLD));
    JButton documents = new JButton("‹ Documents");
    documents.putClientProperty("JButton.buttonType", "toolBarButton");
    documents.addActionListener(e -> back.run());
    JPanel top = new JPanel(new BorderLayout());
    top.setBorder(BorderFactory.createEmptyBorder(8, 10, 6, 6));
    top.add(header, BorderLayout.WEST);
    top.add(documents, BorderLayout.EAST);
    add(top, BorderLayout.NORTH);

    list.setName("trashed documents");
    list.setSelectionMode(ListSelectionModel.SINGLE_SELECTION);
    list.setCellRenderer(new Renderer());
    list.addListSelectionListener(e -> enableButtons());
    JScrollPane scroll = new JScrollPane(list);
    scroll.setBorder(BorderFactory.createEmptyBorder());
    add(scroll, BorderLayout.CENTER);

    restore.addActionListener(e -> restoreSelected());
    purge.addActionListener(e -> purgeSelected());
    empty.addActionListener(e -> emptyTrash());
    message.setName("trash message");
    message.setFont(message.getFont().deriveFont(message.getFont().getSize2D() - 1f));
    JPanel row = new JPanel(new FlowLayout(FlowLayout.LEFT, 4, 0));
    row.add(restore);
    row.add(purge);
    JPanel bottom = new JPanel();
    bottom.setLayout(new BoxLayout(bottom, BoxLayout.Y_AXIS));
    bottom.setBorder(BorderFactory.createEmptyBorder(4, 6, 8, 6));
    message.setAlignmentX(Component.LEFT_ALIGNMENT);
    row.setAlignmentX(Component.LEFT_ALIGNMENT);
    empty.setAlignmentX(Component.LEFT_ALIGNMENT);
    bottom.add(message);
    bottom.add(row);
    bottom.add(empty);
    add(bottom, BorderLayout.SOUTH);
    enableButtons();
  }

  /** Reads the trash from the relay again. */
  void refresh() {
    run("Reading the trash…", relay.list(), docs -> show(docs, null));
  }

  List<TrashedDocument> shown() {
    return java.util.Collections.list(model.elements());
  }

  String message() {
    return message.getText();
  }

  private void show(List<TrashedDocument> docs, String done) {
    model.clear();
    docs.forEach(model::addElement);
    String state =
        docs.isEmpty()
            ? "The trash is empty."
            : docs.size() + (docs.size() == 1 ? " document" : " documents") + " in the trash.";
    message.setText(done == null ? state : done + " " + state);
    enableButtons();
  }

  private void restoreSelected() {
    TrashedDocument d = list.getSelectedValue();
    if (d != null) {
      afterwards(relay.restore(d.doc()), "Restored “" + d.title() + "”.");
    }
  }

  private void purgeSelected() {
    TrashedDocument d = list.getSelectedValue();
    if (d != null
        && confirm(
            "Delete forever",
            "Delete \""
                + d.title()
                + "\" forever?\nIts history is removed from the relay, for"
                + " everyone; it cannot be restored.",
            "Delete forever")) {
      afterwards(relay.purge(d.doc()), "Deleted “" + d.title() + "” forever.");
    }
  }

  private void emptyTrash() {
    if (confirm(
        "Empty trash",
        "Delete all "
            + model.size()
            + " documents in the trash forever?\nTheir histories are"
            + " removed from the relay, for everyone; they cannot be restored.",
        "Empty trash")) {
      afterwards(relay.empty(), "Trash emptied.");
    }
  }

  /** Asks with Cancel as the default button: Enter, pressed out of habit, deletes nothing. */
  private boolean confirm(String title, String question, String yes) {
    Object[] buttons = {yes, "Cancel"};
    return JOptionPane.showOptionDialog(
            SwingUtilities.getWindowAncestor(this),
            question,
            title,
            JOptionPane.YES_NO_OPTION,
            JOptionPane.WARNING_MESSAGE,
            null,
            buttons,
            buttons[1])
        == 0;
  }

  /** After {@code action} succeeds, reads the trash again and says {@code done}. */
  private void afterwards(CompletableFuture<?> action, String done) {
    run("Asking the relay…", action.thenCompose(v -> relay.list()), docs -> show(docs, done));
  }

  private <T> void run(
      String working, CompletableFuture<T> work, java.util.function.Consumer<T> then) {
    busy = true;
    message.setText(working);
    enableButtons();
    work.whenComplete(
        (result, failure) ->
            SwingUtilities.invokeLater(
                () -> {
                  busy = false;
                  if (failure != null) {
                    message.setText(
                        "<html>" + escape(Completions.rootMessage(failure)) + "</html>");
                    enableButtons();
                  } else {
                    then.accept(result);
                  }
                }));
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;");
  }

  private void enableButtons() {
    boolean selected = list.getSelectedValue() != null;
    restore.setEnabled(!busy && selected);
    purge.setEnabled(!busy && selected);
    empty.setEnabled(!busy && !model.isEmpty());
  }

  private static String when(long millis) {
    return WHEN.format(Instant.ofEpochMilli(millis).atZone(ZoneId.systemDefault()));
  }

  private static final class Renderer extends JPanel implements ListCellRenderer<TrashedDocument> {
    private final JLabel title = PlainText.label("");
    private final JLabel dates = new JLabel();

    Renderer() {
      super(new BorderLayout(0, 1));
      setBorder(BorderFactory.createEmptyBorder(5, 10, 5, 8));
      title.setFont(title.getFont().deriveFont(Font.PLAIN, title.getFont().getSize2D() + 1f));
      dates.setFont(dates.getFont().deriveFont(dates.getFont().getSize2D() - 1f));
      add(title, BorderLayout.NORTH);
      add(dates, BorderLayout.SOUTH);
    }

    @Override
    public Component getListCellRendererComponent(
        JList<? extends TrashedDocument> list,
        TrashedDocument d,
        int index,
        boolean selected,
        boolean focused) {
      title.setText(d.title());
      // When the relay purges it is what the owner must see to act in time.
      dates.setText(
          "<html>deleted "
              + when(d.deletedMillis())
              + "<br>purged "
              + when(d.purgeAtMillis())
              + "</html>");
      setToolTipText(d.doc());
      setBackground(selected ? list.getSelectionBackground() : list.getBackground());
      title.setForeground(selected ? list.getSelectionForeground() : list.getForeground());
      dates.setForeground(
          selected
              ? list.getSelectionForeground()
              : UIManager.getColor("Label.disabledForeground"));
      return this;
    }
  }
}
