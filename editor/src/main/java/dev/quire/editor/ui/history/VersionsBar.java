package dev.quire.editor.ui.history;

import dev.quire.editor.sync.DocumentSession;
import dev.quire.ot.note.NamedVersion;
import dev.quire.ot.note.Note;
import dev.quire.ot.protocol.Ids;
import java.awt.FlowLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import javax.swing.DefaultComboBoxModel;
import javax.swing.JButton;
import javax.swing.JComboBox;
import javax.swing.JOptionPane;
import javax.swing.JPanel;

/**
 * The named versions of a document in its history window: a list to jump to one, and "Name this
 * revision…" to name the revision shown. Names reach everyone with the next batch (a named version
 * is a note: see {@link Note.Version}); a name not yet acknowledged is marked "sending". Event
 * thread only.
 */
final class VersionsBar extends JPanel {
  /** One entry of the list: the first is a prompt, not a version. */
  record Item(String label, long revision) {
    @Override
    public String toString() {
      return label;
    }
  }

  private static final Item PROMPT = new Item("Named versions…", -1);

  private final DocumentSession session;
  private final LongSupplier shownRevision;
  private final LongConsumer jumpTo;
  private final JComboBox<Item> list = new JComboBox<>();
  private final JButton name = new JButton("Name this revision…");
  private boolean updating;

  VersionsBar(DocumentSession session, LongSupplier shownRevision, LongConsumer jumpTo) {
    super(new FlowLayout(FlowLayout.RIGHT, 6, 0));
    this.session = session;
    this.shownRevision = shownRevision;
    this.jumpTo = jumpTo;
    list.setName("history.versions");
    list.setToolTipText("Jump to a named version");
    list.addActionListener(e -> chosen());
    name.setName("history.nameVersion");
    name.setToolTipText(
        "Give the revision shown a name everyone sees, such as \"sent to the client\"");
    name.addActionListener(e -> askName());
    name.setEnabled(!session.readOnly());
    add(list);
    add(name);
    refresh();
  }

  /** Reads the versions again (they changed, or one was acknowledged). */
  void refresh() {
    List<Item> items = new ArrayList<>();
    items.add(PROMPT);
    for (NamedVersion v : session.versions()) {
      items.add(new Item(String.format("%s — revision %,d", v.name(), v.revision()), v.revision()));
    }
    for (Note.Version v : session.unsentVersions()) {
      if (v.revision() != null) {
        items.add(
            new Item(
                String.format("%s — revision %,d (sending)", v.name(), v.revision()),
                v.revision()));
      }
    }
    updating = true;
    list.setModel(new DefaultComboBoxModel<>(items.toArray(new Item[0])));
    list.setEnabled(items.size() > 1);
    updating = false;
  }

  private void chosen() {
    Item item = (Item) list.getSelectedItem();
    if (!updating && item != null && item.revision() >= 0) {
      jumpTo.accept(item.revision());
    }
  }

  private void askName() {
    long revision = shownRevision.getAsLong();
    if (revision < 0) {
      return;
    }
    Object answer =
        JOptionPane.showInputDialog(
            this,
            String.format("Name for revision %,d (everyone with the document sees it):", revision),
            String.format("Name revision %,d", revision),
            JOptionPane.PLAIN_MESSAGE,
            null,
            null,
            "");
    if (answer == null || answer.toString().isBlank()) {
      return;
    }
    String text = answer.toString().strip();
    try {
      Ids.requireText("name", text, Note.MAX_NAME);
      session.addNote(new Note.Version(text, revision));
    } catch (RuntimeException e) {
      JOptionPane.showMessageDialog(
          this, "The version was not named: " + e.getMessage(), "Name", JOptionPane.ERROR_MESSAGE);
      return;
    }
    refresh();
  }

  JComboBox<Item> versionList() {
    return list;
  }

  JButton nameButton() {
    return name;
  }
}
